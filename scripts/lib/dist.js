// Is dist/ (what n8n loads) older than the sources? Used by `npm start` to rebuild and by the e2e
// harness to refuse testing yesterday's build.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const SOURCES = ['core', 'nodes', 'credentials', 'icons', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'gulpfile.js'];

function newestMtime(entry) {
	if (!fs.existsSync(entry)) return 0;
	const stat = fs.statSync(entry);
	if (!stat.isDirectory()) return stat.mtimeMs;
	return Math.max(0, ...fs.readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

// tsc rewrites every output on each build, so the entry files n8n loads carry the build time.
// Returns why dist is stale, or null when it is fresh.
function distStaleReason(packageDir) {
	const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
	const entries = [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])].map((p) => path.join(packageDir, p));
	if (entries.length === 0) return 'package.json lists no n8n nodes or credentials';
	const missing = entries.filter((p) => !fs.existsSync(p));
	if (missing.length > 0) return `missing ${missing.map((p) => path.relative(packageDir, p)).join(', ')}`;
	const built = Math.min(...entries.map((p) => fs.statSync(p).mtimeMs));
	const newer = SOURCES.filter((s) => newestMtime(path.join(packageDir, s)) > built);
	return newer.length > 0 ? `older than ${newer.join(', ')}` : null;
}

module.exports = { distStaleReason };
