// Smoke test of the real package in a real n8n: installed as users install it (npm pack + n8n's
// npm install flags), it loads without errors and every node and credential in package.json's
// `n8n` section shows up. Needs `npm run build` first (refuses a dist older than the sources).
import fs from 'node:fs';
import path from 'node:path';
import { PackageInstance, repoRoot, START_WITH_PACKAGE_TIMEOUT_MS, startN8nWithPackage } from './harness';

jest.setTimeout(60_000);

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
let instance: PackageInstance | undefined;

beforeAll(async () => {
	instance = await startN8nWithPackage();
}, START_WITH_PACKAGE_TIMEOUT_MS);

afterAll(async () => {
	await instance?.stop();
}, 60_000);

test('every node file in package.json loads as a node type', async () => {
	const types = await instance!.api.nodeTypes();
	const ours = types.filter((name) => name.startsWith(`${manifest.name}.`));
	// One node class per file; `usableAsTool` nodes add a `<name>Tool` variant.
	expect(ours.filter((name) => !name.endsWith('Tool')).length).toBe(manifest.n8n.nodes.length);
});

test('the credentials load', async () => {
	const credentials = await instance!.api.credentialTypes();
	for (const file of manifest.n8n.credentials as string[]) {
		const className = path.basename(file).split('.')[0];
		const expected = className.charAt(0).toLowerCase() + className.slice(1);
		expect(credentials).toContain(expected);
	}
});
