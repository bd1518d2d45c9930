/**
 * Run by `npm run bench:build` after tsc: the compiled e2e harness (used by bench/n8n.ts) needs
 * two plain-JS files beside it that tsc does not copy: scripts/lib (shared with `npm start`, and
 * resolving the repo from its own location, hence a link, not a copy) and the harness's reaper.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const out = path.resolve(__dirname, '..'); // node_modules/.cache/lead-bench
const repo = path.resolve(out, '..', '..', '..');
const link = (target: string, at: string) => {
	fs.rmSync(at, { force: true, recursive: true });
	fs.mkdirSync(path.dirname(at), { recursive: true });
	fs.symlinkSync(target, at);
};
link(path.join(repo, 'scripts'), path.join(out, 'scripts'));
link(path.join(repo, 'test', 'e2e', 'harness', 'reaper.js'), path.join(out, 'test', 'e2e', 'harness', 'reaper.js'));
