// Puts a community package where n8n looks for user-installed ones:
// $N8N_USER_FOLDER/.n8n/nodes/node_modules/<name>, loaded through package.json's `n8n` section.
//
// mode 'pack' copies what Settings > Community nodes does in n8n 2.41.1
// (CommunityPackagesService.downloadPackage): `npm pack`, untar, drop dev/peer/optional
// dependencies from package.json, then `npm install` with n8n's own flags. So only the files
// in `files` ship, `pg`/`luxon` are the package's own, and `n8n-workflow` comes from n8n itself
// (n8n puts its node_modules on NODE_PATH). The end-to-end tests use it.
//
// mode 'link' symlinks the folder (n8n realpaths it, so requires resolve from the repo's
// node_modules). Fast and picks up rebuilds on restart, which suits `npm start`; but the nodes
// then get the repo's dev copy of `n8n-workflow`, not n8n's, and unshipped files are visible.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

// n8n 2.41.1's flags for a community package install, verbatim; --prefer-offline only spares the
// registry when the npm cache has the versions already.
const N8N_NPM_INSTALL_FLAGS = [
	'--audit=false',
	'--fund=false',
	'--bin-links=false',
	'--install-strategy=shallow',
	'--ignore-scripts=true',
	'--package-lock=false',
	'--prefer-offline',
];

function nodesDir(userFolder) {
	return path.join(userFolder, '.n8n', 'nodes');
}

function installPackage({ packageDir, userFolder, mode = 'pack' }) {
	// Lazy require: n8nRuntime.js re-exports this module, so the cycle must resolve at call time.
	const { n8nEnv } = require('./n8nRuntime');
	const source = path.resolve(packageDir);
	const manifest = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8'));
	if (!manifest.n8n) throw new Error(`${source}/package.json has no "n8n" section: n8n would skip it`);
	const target = path.join(nodesDir(userFolder), 'node_modules', manifest.name);
	fs.mkdirSync(path.dirname(target), { recursive: true });
	fs.rmSync(target, { recursive: true, force: true }); // removes a previous symlink, not its target

	if (mode === 'link') {
		fs.symlinkSync(source, target, 'dir');
	} else if (mode === 'pack') {
		const npmEnv = n8nEnv({ userFolder, brokerPort: 0 });
		const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-pack-'));
		try {
			const packed = JSON.parse(
				execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], {
					cwd: source,
					env: npmEnv,
					encoding: 'utf8',
					stdio: ['ignore', 'pipe', 'pipe'],
				}),
			);
			fs.mkdirSync(target, { recursive: true });
			execFileSync('tar', ['-xzf', path.join(scratch, packed[0].filename), '-C', target, '--strip-components=1']);
		} finally {
			fs.rmSync(scratch, { recursive: true, force: true });
		}
		const { devDependencies, peerDependencies, optionalDependencies, ...shipped } = JSON.parse(
			fs.readFileSync(path.join(target, 'package.json'), 'utf8'),
		);
		fs.writeFileSync(path.join(target, 'package.json'), JSON.stringify(shipped, null, 2));
		if (Object.keys(shipped.dependencies || {}).length > 0) {
			execFileSync('npm', ['install', ...N8N_NPM_INSTALL_FLAGS], {
				cwd: target,
				env: npmEnv,
				stdio: ['ignore', 'pipe', 'pipe'],
				timeout: 5 * 60_000,
			});
		}
	} else {
		throw new Error(`unknown install mode ${mode}`);
	}
	recordInLedger(userFolder, manifest.name, manifest.version);
	return { packageName: manifest.name, version: manifest.version, dir: target, mode };
}

// n8n keeps nodes/package.json as its ledger of installed packages and rebuilds it when unusable;
// writing our entry keeps the folder looking like a UI install.
function recordInLedger(userFolder, name, version) {
	const ledgerPath = path.join(nodesDir(userFolder), 'package.json');
	let ledger = { name: 'installed-nodes', private: true, dependencies: {} };
	try {
		const existing = JSON.parse(fs.readFileSync(ledgerPath, 'utf8'));
		if (existing && existing.dependencies) ledger = existing;
	} catch {
		// missing or unusable: start a fresh one, as n8n would
	}
	ledger.dependencies[name] = version;
	fs.writeFileSync(ledgerPath, JSON.stringify(ledger, null, 2));
}

module.exports = { installPackage, N8N_NPM_INSTALL_FLAGS };
