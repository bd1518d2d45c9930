// The editor's output-schema previews, asked of a real n8n with the package installed as users
// install it: for every node type of the package and every resource and operation n8n itself
// describes, the URL the editor requests (`/schemas/<type>/<version>[/<resource>/<operation>].json`,
// built as n8n-editor-ui builds it) answers 200 with a JSON schema the editor accepts (an object
// with `type` and `properties`). Needs `npm run build` first.
import fs from 'node:fs';
import path from 'node:path';
import { PackageInstance, repoRoot, START_WITH_PACKAGE_TIMEOUT_MS, startN8nWithPackage } from './harness';

jest.setTimeout(60_000);

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));

interface Described {
	name: string;
	version: number | number[];
	properties: Array<{ name: string; default?: unknown; options?: Array<{ value: unknown }>; displayOptions?: { show?: Record<string, unknown[]> } }>;
}

let instance: PackageInstance | undefined;
let ours: Described[] = [];

beforeAll(async () => {
	instance = await startN8nWithPackage();
	const response = await fetch(`${instance.n8n.baseUrl}/types/nodes.json`, { headers: { cookie: instance.api.cookie, 'browser-id': 'lead-e2e-harness' } });
	const types = (await response.json()) as Described[];
	ours = types.filter((t) => t.name.startsWith(`${manifest.name}.`) && !t.name.endsWith('Tool'));
}, START_WITH_PACKAGE_TIMEOUT_MS);

afterAll(async () => {
	await instance?.stop();
}, 60_000);

/** n8n-editor-ui: version padded to three parts, empty parts dropped. */
const schemaUrl = (type: string, version: number, resource?: string, operation?: string) =>
	`/${['schemas', type, String(version).split('.').concat(['0', '0']).slice(0, 3).join('.'), resource, operation].filter(Boolean).join('/')}.json`;

/**
 * Every URL the editor can ask for: one per resource and operation; a node whose operation is not
 * chosen per resource (a hidden one, as n8n's send-and-wait nodes have) asks with that operation
 * alone; a node without either, with neither.
 */
function urlsOf(type: Described): string[] {
	const version = Array.isArray(type.version) ? Math.max(...type.version) : type.version;
	const operations = type.properties.filter((p) => p.name === 'operation');
	if (!operations.length) return [schemaUrl(type.name, version)];
	const fixed = operations.find((p) => !p.displayOptions);
	if (fixed && operations.length === 1) return [schemaUrl(type.name, version, undefined, String(fixed.default))];
	return operations.flatMap((p) =>
		((p.displayOptions?.show?.resource ?? []) as string[]).flatMap((resource) => (p.options ?? []).map((o) => schemaUrl(type.name, version, resource, String(o.value)))),
	);
}

test('every schema the editor asks for answers 200 with a JSON schema', async () => {
	expect(ours.length).toBe(manifest.n8n.nodes.length);
	const urls = ours.flatMap(urlsOf);
	// As many URLs as the package ships schema files (each operation of the Lead node, one per other node).
	const shipped = fs.readdirSync(path.join(repoRoot, 'nodes'), { recursive: true }).filter((f) => /__schema__.*\.json$/.test(String(f)));
	expect(urls.length).toBe(shipped.length);
	const answers = await Promise.all(
		urls.map(async (url) => {
			const response = await fetch(`${instance!.n8n.baseUrl}${url}`);
			const body = response.ok ? ((await response.json()) as { type?: string; properties?: object }) : undefined;
			return { url, status: response.status, schema: body?.type === 'object' && !!body.properties && Object.keys(body.properties).length > 0 };
		}),
	);
	expect(answers.filter((a) => a.status !== 200 || !a.schema)).toEqual([]);
	expect(answers.map((a) => a.url)).toContain(`/schemas/${manifest.name}.lead/1.0.0/lead/create.json`);
});
