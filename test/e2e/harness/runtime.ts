// Where the pinned n8n runtime and its Node 24 live. The logic is shared with `npm start`
// (scripts/lib/n8nRuntime.js) so the tests and the developer's n8n cannot drift apart.
export {
	repoRoot,
	runtimeDir,
	n8nBin,
	node24Path,
	isRuntimeReady,
	ensureRuntime,
	freePort,
	n8nEnv,
	distStaleReason,
} from '../../../scripts/lib/n8nRuntime';
export type { ExtraEnv } from '../../../scripts/lib/n8nRuntime';

/** Long enough for a first-time runtime install (about 3 minutes measured, 2.9 GB). */
export const RUNTIME_INSTALL_TIMEOUT_MS = 20 * 60_000;
