// `npm test` step: the package as npm would publish it. Packs it (npm pack), checks the tarball
// (every file package.json's n8n section names, LICENSE, README, no source map naming a file the
// tarball lacks), then runs n8n's community-package scanner (@n8n/scan-community-package's
// analyzePackage, the tarball leg of n8n's own scan) over the unpacked folder. The scanner applies
// n8n's Cloud rules; the findings below are this package's job and are kept (the README's "Lint"
// section says why). Any other finding fails the step.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzePackage } from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Kept findings: rule, the import or global it names (null: any), and why. */
const KEPT = [
	{ rule: 'no-restricted-imports', subjects: ['pg'], why: 'the PostgreSQL store needs a database driver' },
	{ rule: 'no-restricted-imports', subjects: ['node:sqlite'], why: 'the embedded SQLite store' },
	{ rule: 'no-restricted-imports', subjects: ['node:fs', 'node:path', 'node:os'], why: "the SQLite file's path and its -wal file watch" },
	{ rule: 'no-restricted-imports', subjects: ['node:events'], why: "the in-process wake-up signal between a writer and the triggers" },
	{ rule: 'no-restricted-imports', subjects: ['node:worker_threads'], why: "the SQLite checkpointer: the write-ahead log copied back off n8n's event loop" },
	{ rule: 'no-restricted-globals', subjects: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate'], why: 'timers: catch-up polls, retry backoff, lock waits, closing idle stores' },
	{ rule: 'no-restricted-globals', subjects: ['process'], why: 'process.env: the n8n user folder (default SQLite file) and the idle-close setting' },
	{ rule: 'no-runtime-dependencies', subjects: null, why: 'pg and luxon are run-time dependencies' },
	{ rule: 'valid-author', subjects: null, why: 'the author is the contributors; there is no project mail address' },
];

const stripAnsi = (text) => text.replace(/\x1b\[[0-9;]*m/g, '');

/** analyzePackage answers with ESLint's "stylish" text; read it back into findings. */
export function parseStylish(text, dir) {
	const findings = [];
	let file;
	for (const line of stripAnsi(text ?? '').split('\n')) {
		if (line.startsWith('/')) file = path.relative(dir, line.trim());
		const m = /^\s+(\d+):(\d+)\s+(error|warning)\s+(.*?)\s{2,}(\S+)\s*$/.exec(line);
		if (m && file) findings.push({ file, line: Number(m[1]), severity: m[3], message: m[4], rule: m[5].replace(/^@n8n\/community-nodes\//, '') });
	}
	return findings;
}

function subjectOf(message) {
	return /(?:Require|Import|Dynamic import) of '([^']+)'|restricted global '([^']+)'/.exec(message)?.slice(1).find(Boolean) ?? null;
}

export function keptReason(finding) {
	const subject = subjectOf(finding.message);
	return KEPT.find((k) => k.rule === finding.rule && (k.subjects === null || k.subjects.includes(subject)))?.why;
}

function checkTarball(dir, files) {
	const problems = [];
	const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
	for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials, 'LICENSE', 'README.md']) {
		if (!files.has(file)) problems.push(`missing ${file}`);
	}
	if (pkg.main !== undefined && !files.has(path.normalize(pkg.main))) problems.push(`main points at ${pkg.main}, which is not in the tarball`);
	for (const file of [...files].filter((f) => f.endsWith('.map'))) {
		const map = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
		map.sources.forEach((source, i) => {
			const target = path.normalize(path.join(path.dirname(file), map.sourceRoot ?? '', source));
			if (!files.has(target) && map.sourcesContent?.[i] == null) problems.push(`${file} names ${target}, which is neither in the tarball nor in the map`);
		});
	}
	return problems;
}

async function main() {
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-scan-'));
	try {
		const [packed] = JSON.parse(
			execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }),
		);
		const dir = path.join(scratch, 'package');
		fs.mkdirSync(dir);
		execFileSync('tar', ['-xzf', path.join(scratch, packed.filename), '-C', dir, '--strip-components=1']);
		const files = new Set(packed.files.map((f) => path.normalize(f.path)));
		console.log(`packed ${packed.filename}: ${packed.entryCount} files, ${(packed.size / 1024).toFixed(0)} kB`);

		const problems = checkTarball(dir, files);
		for (const problem of problems) console.error(`  tarball: ${problem}`);

		// The tarball leg of n8n's scan: compiled JavaScript and the published package.json.
		const result = await analyzePackage(dir, ['**/*.js', 'package.json']);
		if (!result.passed && !result.details) {
			console.error(`scanner: ${result.message}`);
			process.exit(1);
		}
		const findings = parseStylish(result.details, dir);
		const kept = new Map();
		const unexpected = [];
		for (const finding of findings) {
			const why = keptReason(finding);
			if (!why) {
				unexpected.push(finding);
				continue;
			}
			const key = `${finding.rule} ${subjectOf(finding.message) ?? ''}`.trim();
			const entry = kept.get(key) ?? { why, files: new Set(), count: 0 };
			entry.count++;
			entry.files.add(finding.file);
			kept.set(key, entry);
		}
		console.log(`scanner: ${findings.length} findings, ${findings.length - unexpected.length} kept, ${unexpected.length} not kept`);
		for (const [key, { why, files: where, count }] of kept) {
			console.log(`  kept  ${key} ×${count} (${[...where].join(', ')}): ${why}`);
		}
		for (const f of unexpected) console.error(`  FAIL  ${f.file}:${f.line} ${f.rule}: ${f.message}`);
		if (problems.length || unexpected.length) process.exit(1);
	} finally {
		fs.rmSync(scratch, { recursive: true, force: true });
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
