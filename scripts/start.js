#!/usr/bin/env node
// `npm start`: a ready lead desk on a real n8n 2.41.1 with this package installed, on
// http://localhost:${N8N_PORT:-5678}. Builds dist/ when a source is newer, installs the pinned n8n
// runtime once, installs the package into the persistent, gitignored user folder .n8n-data/, seeds
// the store with a demo team and runs n8n in the foreground, with the same environment as the e2e
// harness (scripts/lib/n8nRuntime.js). Once n8n answers it creates (first start) or reuses (later
// starts) the owner, the Lead Store credential and the example workflows (scripts/lib/leadDesk.js)
// and prints the address and the login.
//
// Environment:
//   N8N_PORT                 editor/API port (default 5678)
//   N8N_RUNNERS_BROKER_PORT  task-runner broker port (default: any free one)
//   LEAD_OWNER_EMAIL, LEAD_OWNER_PASSWORD
//                            the owner login to create (first start) or to log in with; default
//                            owner@lead-desk.local with a generated password, kept in
//                            <user folder>/lead-desk.json
//   LEAD_STORE               'sqlite' (default: the embedded file) or 'postgres' (PGHOST, PGPORT,
//                            PGDATABASE, PGUSER, PGPASSWORD; schema LEAD_STORE_SCHEMA or lead_desk);
//                            postgres gets its own user folder, .n8n-data/postgres/
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
const desk = require('./lib/leadDesk');

// Printed by `n8n start` once it listens and has activated the published workflows.
const STARTED_LINE = 'Editor is now accessible via';

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
	const postgres = process.env.LEAD_STORE === 'postgres';
	const defaultFolder = path.join(rt.repoRoot, '.n8n-data', ...(postgres ? ['postgres'] : []));
	const userFolder = path.resolve(process.env.LEAD_N8N_DATA_DIR || defaultFolder);
	const installed = rt.installPackage({ packageDir: rt.repoRoot, userFolder, mode: process.env.LEAD_INSTALL_MODE || 'link' });
	console.log(`${installed.packageName}@${installed.version} installed (${installed.mode}) in ${installed.dir}`);
	const seeded = await desk.seedStore({ packageDir: rt.repoRoot, userFolder, data: desk.storeCredentialData() });

	const port = Number(process.env.N8N_PORT || 5678);
	let brokerPort = Number(process.env.N8N_RUNNERS_BROKER_PORT || 0);
	while (!brokerPort || brokerPort === port) brokerPort = await rt.freePort();
	const child = spawn(rt.node24Path(), [rt.n8nBin(), 'start'], {
		cwd: userFolder,
		stdio: ['inherit', 'pipe', 'inherit'],
		env: rt.n8nEnv({ userFolder, port, brokerPort }),
	});
	const baseUrl = `http://localhost:${port}`;
	console.log(`n8n starting on ${baseUrl} (user folder ${userFolder}); Ctrl-C stops it`);

	// n8n listens with process.once: a second identical signal kills it without a clean shutdown.
	// Ctrl-C in a terminal already reaches n8n (same process group), so only forward what did not.
	process.on('SIGINT', () => {
		if (!process.stdin.isTTY) child.kill('SIGINT');
	});
	process.on('SIGTERM', () => child.kill('SIGTERM'));
	child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

	// n8n's own output passes through; once it says it is up, the desk is set up over its API.
	let started = false;
	let seen = '';
	child.stdout.on('data', (chunk) => {
		process.stdout.write(chunk);
		if (started) return;
		seen = (seen + chunk.toString()).slice(-4096);
		if (!seen.includes(STARTED_LINE)) return;
		started = true;
		desk
			.prepareDesk({ baseUrl: `http://127.0.0.1:${port}`, userFolder })
			.then((result) => console.log(desk.summary({ baseUrl, desk: result, seeded })))
			.catch((error) => console.error(`\nSetting up the lead desk failed: ${error.message}\nn8n keeps running on ${baseUrl}.\n`));
	});
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
