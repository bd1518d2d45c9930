// The usual beforeAll of a package e2e test in one call: this repo's package (or another folder)
// installed the way users do, a fresh n8n on it, the owner and an API key. Call stop() in afterAll.
import fs from 'node:fs';
import { N8nApi } from './api';
import { installPackage, InstalledPackage, InstallMode } from './installPackage';
import { assertNoLoadErrors } from './loadErrors';
import { makeUserFolder, N8nInstance } from './n8nProcess';
import { killAllTracked } from './processes';
import { distStaleReason, ensureRuntime, ExtraEnv, repoRoot, RUNTIME_INSTALL_TIMEOUT_MS } from './runtime';

export interface PackageInstanceOptions {
	/** Default: this repo (needs `npm run build` first; its dist/ is what gets installed). */
	packageDir?: string;
	/** Default 'pack': what n8n's installer does (see scripts/lib/installPackage.js). */
	mode?: InstallMode;
	extraEnv?: ExtraEnv;
	/** Testing a build older than the sources is refused unless this is set. */
	allowStaleDist?: boolean;
}

export interface PackageInstance {
	n8n: N8nInstance;
	api: N8nApi;
	installed: InstalledPackage;
	userFolder: string;
	/** Stops n8n, kills anything the harness still runs, removes the folder (unless LEAD_E2E_KEEP_TMP). */
	stop(): Promise<void>;
}

/** Suggested beforeAll timeout: a first-time runtime install plus an n8n start. */
export const START_WITH_PACKAGE_TIMEOUT_MS = RUNTIME_INSTALL_TIMEOUT_MS + 300_000;

export async function startN8nWithPackage(options: PackageInstanceOptions = {}): Promise<PackageInstance> {
	const { packageDir = repoRoot, mode = 'pack', extraEnv = {}, allowStaleDist = false } = options;
	const stale = allowStaleDist ? null : distStaleReason(packageDir);
	if (stale) throw new Error(`${packageDir}/dist is ${stale}: run \`npm run build\` first`);
	await ensureRuntime({ timeoutMs: RUNTIME_INSTALL_TIMEOUT_MS });
	const userFolder = makeUserFolder();
	const installed = installPackage({ packageDir, userFolder, mode });
	const n8n = await N8nInstance.start({ userFolder, extraEnv });
	const stop = async () => {
		await n8n.stop().catch(() => undefined);
		await killAllTracked();
		if (!process.env.LEAD_E2E_KEEP_TMP) fs.rmSync(userFolder, { recursive: true, force: true });
	};
	try {
		assertNoLoadErrors(n8n.logText(), installed.packageName);
		const api = await N8nApi.setup(n8n.baseUrl);
		return { n8n, api, installed, userFolder, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}
