/**
 * n8n's lint (eslint.config.mjs: @n8n/node-cli's config without the Cloud rules, with
 * eslint-plugin-n8n-nodes-base) must see what it is meant to check: a deliberately broken package
 * under fixtures/ gets the findings a reviewer would expect, each real node loses its lint pass when
 * its icon is removed, and the real repository lints clean.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Finding {
	file: string;
	ruleId: string | null;
	severity: number;
	message: string;
}

const root = path.resolve(__dirname, '../..');
const script = path.join(__dirname, 'eslintJson.mjs');

function lint(cwd: string, stdin?: { file: string; text: string }): Finding[] {
	const args = stdin ? [script, cwd, stdin.file] : [script, cwd];
	// Without jest's NODE_ENV=test, under which eslint-plugin-n8n-nodes-base takes every file for "Test.node.ts".
	const env = { ...process.env };
	delete env.NODE_ENV;
	const out = execFileSync(process.execPath, args, { input: stdin?.text ?? '', encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
	return JSON.parse(out) as Finding[];
}

const rulesIn = (findings: Finding[], file: string) => findings.filter((f) => f.file === file).map((f) => f.ruleId);

jest.setTimeout(120_000);

describe('a broken package', () => {
	let findings: Finding[];
	beforeAll(() => {
		findings = lint(path.join(__dirname, 'fixtures', 'broken-package'));
	});

	test('package.json: wrong name, no official keyword, no author, no homepage, no files', () => {
		const rules = rulesIn(findings, 'package.json');
		expect(rules).toEqual(
			expect.arrayContaining([
				'@n8n/community-nodes/package-name-convention',
				'n8n-nodes-base/community-package-json-keywords-without-official-tag',
				'n8n-nodes-base/community-package-json-author-missing',
				'@n8n/community-nodes/require-homepage',
				'@n8n/community-nodes/require-files-array',
			]),
		);
		expect(findings.find((f) => f.ruleId === '@n8n/community-nodes/package-name-convention')?.message).toContain(
			'"lead-management-broken-fixture"',
		);
	});

	test('the node: no icon, not usable as a tool', () => {
		const rules = rulesIn(findings, 'nodes/Broken/Broken.node.ts');
		expect(rules).toEqual(
			expect.arrayContaining([
				'@n8n/community-nodes/icon-validation',
				'@n8n/community-nodes/require-node-description-fields',
				'@n8n/community-nodes/node-usable-as-tool',
			]),
		);
	});

	test('the credential: no test, and no node tests it', () => {
		expect(rulesIn(findings, 'credentials/BrokenApi.credentials.ts')).toEqual(['@n8n/community-nodes/credential-test-required']);
	});
});

describe('the real package', () => {
	const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } };
	const sources = pkg.n8n.nodes.map((file) => file.replace(/^dist\//, '').replace(/\.js$/, '.ts'));

	test.each(sources)('the rules see %s: without its icon it fails', (file) => {
		const text = fs.readFileSync(path.join(root, file), 'utf8');
		const iconLine = /^\t\ticon: \{ light: 'file:[^\n]*\n/m;
		expect(text).toMatch(iconLine);
		const findings = lint(root, { file, text: text.replace(iconLine, '') });
		expect(findings.map((f) => f.ruleId)).toContain('@n8n/community-nodes/icon-validation');
	});

	test('lints clean', () => {
		const findings = lint(root);
		expect(findings.map((f) => `${f.file}: ${f.ruleId} ${f.message}`)).toEqual([]);
	});
});
