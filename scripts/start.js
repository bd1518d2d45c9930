#!/usr/bin/env node
// `npm start`: a real n8n 2.41.1 with this package installed, on http://localhost:${N8N_PORT:-5678}.
// Builds dist/ when a source is newer, installs the pinned n8n runtime once, installs the package
// into the persistent, gitignored user folder .n8n-data/ and runs n8n in the foreground, with the
// same environment as the e2e harness (scripts/lib/n8nRuntime.js).
//
// Environment:
//   N8N_PORT                 editor/API port (default 5678)
//   N8N_RUNNERS_BROKER_PORT  task-runner broker port (default: any free one)
//   LEAD_N8N_DATA_DIR        user folder instead of .n8n-data/
//   LEAD_INSTALL_MODE        'link' (default: symlink, a rebuild + restart is enough) or 'pack'
//                            (what n8n's own installer does; see scripts/lib/installPackage.js)
//   LEAD_N8N_RUNTIME_DIR     where the n8n runtime lives (default .n8n-runtime/)
//   Anything else, e.g. the package's LEAD_STORE_* settings or n8n's own N8N_* / DB_* variables,
//   reaches n8n unchanged because it inherits this process's environment.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');
const rt = require('./lib/n8nRuntime');

function build(reason) {
	console.log(`dist/ is ${reason}: npm run build`);
	// Under `npm start`, npm_execpath is npm's own CLI; run it with this (Node 24) binary.
	const [cmd, args] = process.env.npm_execpath
		? [process.execPath, [process.env.npm_execpath, 'run', 'build']]
		: ['npm', ['run', 'build']];
	const result = spawnSync(cmd, args, { cwd: rt.repoRoot, stdio: 'inherit', env: { ...process.env, PATH: rt.withNode24OnPath(process.env.PATH) } });
	if (result.status !== 0) process.exit(result.status ?? 1);
}

async function main() {
	const stale = rt.distStaleReason(rt.repoRoot);
	if (stale) build(stale);
	await rt.ensureRuntime();
	const userFolder = path.resolve(process.env.LEAD_N8N_DATA_DIR || path.join(rt.repoRoot, '.n8n-data'));
	const installed = rt.installPackage({ packageDir: rt.repoRoot, userFolder, mode: process.env.LEAD_INSTALL_MODE || 'link' });
	console.log(`${installed.packageName}@${installed.version} installed (${installed.mode}) in ${installed.dir}`);

	const port = Number(process.env.N8N_PORT || 5678);
	let brokerPort = Number(process.env.N8N_RUNNERS_BROKER_PORT || 0);
	while (!brokerPort || brokerPort === port) brokerPort = await rt.freePort();
	const child = spawn(rt.node24Path(), [rt.n8nBin(), 'start'], {
		cwd: userFolder,
		stdio: 'inherit',
		env: rt.n8nEnv({ userFolder, port, brokerPort }),
	});
	console.log(`n8n starting on http://localhost:${port} (user folder ${userFolder}); Ctrl-C stops it`);

	// n8n listens with process.once: a second identical signal kills it without a clean shutdown.
	// Ctrl-C in a terminal already reaches n8n (same process group), so only forward what did not.
	process.on('SIGINT', () => {
		if (!process.stdin.isTTY) child.kill('SIGINT');
	});
	process.on('SIGTERM', () => child.kill('SIGTERM'));
	child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
