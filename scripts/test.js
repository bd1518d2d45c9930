#!/usr/bin/env node
// `npm test`: lint, build (checking every file package.json's n8n section names), the packed
// tarball through n8n's community-package scanner, make sure the pinned n8n runtime is installed
// for the end-to-end cases, then jest. Stops at the first failure.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
	console.error(`npm test must run under Node 24 (n8n 2.41's runtime); this is Node ${process.versions.node}. Run it through npm, which puts the node@24 dev dependency first.`);
	process.exit(1);
}
console.log(`Node ${process.versions.node}`);

function step(title, command, args) {
	console.log(`\n== ${title}`);
	const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
	if (result.status !== 0) {
		console.error(`\n${title} failed (exit ${result.status ?? result.signal})`);
		process.exit(result.status || 1);
	}
}

const bin = (name) => path.join(root, 'node_modules', '.bin', name);
// n8n's lint (eslint.config.mjs): everything that ships, package.json, tests, bench and scripts.
step('lint', bin('eslint'), ['.']);
step('build', 'npm', ['run', 'build', '--silent']);

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const listed = [...pkg.n8n.nodes, ...pkg.n8n.credentials];
const missing = listed.filter((file) => !fs.existsSync(path.join(root, file)));
if (missing.length) {
	console.error(`build did not produce: ${missing.join(', ')}`);
	process.exit(1);
}
console.log(`build produced all ${listed.length} files of the n8n section`);

// The package as published: npm pack, the tarball's files, then n8n's community-package scanner.
step('community-package scan', process.execPath, [path.join(root, 'scripts', 'lib', 'scanPackage.mjs')]);

step('n8n runtime', 'bash', [path.join(root, 'scripts', 'install-n8n-runtime.sh')]);
step('tests', bin('jest'), process.argv.slice(2));
