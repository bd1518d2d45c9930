/**
 * Every documentation link the package gives n8n (each node's codex file, the credential's
 * documentationUrl) opens this repository's README at a heading that exists, by GitHub's anchor
 * rules; package.json's homepage, repository and bugs name the same repository.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const REPO = 'https://github.com/n8n-nodes-lead-management/n8n-nodes-lead-management';

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats get -1, -2. */
function githubAnchors(markdown: string): Set<string> {
	const anchors = new Set<string>();
	const seen = new Map<string, number>();
	let fenced = false;
	for (const line of markdown.split('\n')) {
		if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
		const heading = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
		if (!heading) continue;
		const text = heading[1].replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
		const slug = text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
		const count = seen.get(slug) ?? 0;
		seen.set(slug, count + 1);
		anchors.add(count === 0 ? slug : `${slug}-${count}`);
	}
	return anchors;
}

const anchors = githubAnchors(fs.readFileSync(path.join(root, 'README.md'), 'utf8'));

function anchorOf(url: string): string {
	expect(url.startsWith(`${REPO}#`)).toBe(true);
	return url.slice(REPO.length + 1);
}

const codexFiles = (pkg.n8n.nodes as string[]).map((file) => file.replace(/^dist\//, '').replace(/\.js$/, '.json'));

test('the anchor rules match GitHub on headings with punctuation and repeats', () => {
	expect([...githubAnchors('# A `b` c!\n## Lead / Stage: x\n```\n# not a heading\n```\n## A b c\n')]).toEqual([
		'a-b-c',
		'lead--stage-x',
		'a-b-c-1',
	]);
});

test.each(codexFiles)('%s links to a README heading', (file) => {
	const codex = JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
	const links: { url: string }[] = codex.resources?.primaryDocumentation ?? [];
	expect(links.length).toBeGreaterThan(0);
	for (const { url } of links) expect(anchors).toContain(anchorOf(url));
	const nodeName = path.basename(file, '.node.json');
	expect(codex.node).toBe(`${pkg.name}.${nodeName.charAt(0).toLowerCase()}${nodeName.slice(1)}`);
});

test('the credential links to a README heading', () => {
	const source = fs.readFileSync(path.join(root, 'credentials/LeadStoreApi.credentials.ts'), 'utf8');
	const url = /documentationUrl = '([^']+)'/.exec(source)?.[1];
	expect(url).toBeDefined();
	expect(anchors).toContain(anchorOf(url!));
});

test('package.json names the repository the links point at', () => {
	expect(pkg.homepage).toBe(`${REPO}#readme`);
	expect(pkg.repository).toEqual({ type: 'git', url: `git+${REPO}.git` });
	expect(pkg.bugs).toEqual({ url: `${REPO}/issues` });
	expect(pkg.main).toBeUndefined();
	expect(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 n8n-nodes-lead-management contributors\n/);
});
