// Proves the e2e harness against a real n8n 2.41.1 with generated dummy community packages, so the
// package's own e2e tests can trust it: install (pack and link), load-error detection, the CLI
// (import + execute), the REST/public API (credentials, workflows, activation, executions, manual
// runs) and restart.
import fs from 'node:fs';
import path from 'node:path';
import {
	assertNoLoadErrors,
	ensureRuntime,
	executeWorkflow,
	findLoadErrors,
	importWorkflow,
	installPackage,
	killAllTracked,
	makeUserFolder,
	N8nApi,
	N8nInstance,
	RUNTIME_INSTALL_TIMEOUT_MS,
} from './harness';
import { writeDummyPackage } from './fixtures/dummyPackages';

const PACKED = 'n8n-nodes-e2e-dummy-packed';
const LINKED = 'n8n-nodes-e2e-dummy-linked';
const BROKEN = 'n8n-nodes-e2e-dummy-broken';
const MARKER = 'passed-through-extra-env';

jest.setTimeout(120_000);

let tmp: string;
let userFolder: string;
let n8n: N8nInstance | undefined;
let api: N8nApi;

beforeAll(async () => {
	await ensureRuntime({ timeoutMs: RUNTIME_INSTALL_TIMEOUT_MS });
	tmp = makeUserFolder('lead-e2e-harness-');
	userFolder = path.join(tmp, 'n8n');
	const sources = path.join(tmp, 'packages');
	installPackage({ userFolder, mode: 'pack', packageDir: writeDummyPackage(sources, { name: PACKED, withLuxon: true, withTrigger: true }) });
	installPackage({ userFolder, mode: 'link', packageDir: writeDummyPackage(sources, { name: LINKED }) });
	installPackage({ userFolder, mode: 'link', packageDir: writeDummyPackage(sources, { name: BROKEN, broken: true }) });
	n8n = await N8nInstance.start({ userFolder, extraEnv: { LEAD_E2E_MARKER: MARKER } });
	api = await N8nApi.setup(n8n.baseUrl);
}, RUNTIME_INSTALL_TIMEOUT_MS + 300_000);

afterAll(async () => {
	await n8n?.stop().catch(() => undefined);
	await killAllTracked();
	if (tmp && !process.env.LEAD_E2E_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
}, 60_000);

const echoNode = (pkg: string, name: string, x: number) => ({
	id: `${name}-id`,
	name,
	type: `${pkg}.dummyEcho`,
	typeVersion: 1,
	position: [x, 0],
	parameters: { greeting: `hi from ${name}` },
});
const chain = (...names: string[]) =>
	Object.fromEntries(names.slice(0, -1).map((from, i) => [from, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]));

describe('installing packages the way users do', () => {
	test('a pack install ships only `files`, strips dev/peer deps and installs its own dependencies', () => {
		const dir = path.join(userFolder, '.n8n', 'nodes', 'node_modules', PACKED);
		expect(fs.lstatSync(dir).isSymbolicLink()).toBe(false);
		expect(fs.existsSync(path.join(dir, 'NOT_SHIPPED.txt'))).toBe(false);
		expect(fs.existsSync(path.join(dir, 'node_modules', 'luxon', 'package.json'))).toBe(true);
		const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
		expect(manifest.peerDependencies).toBeUndefined();
		const ledger = JSON.parse(fs.readFileSync(path.join(userFolder, '.n8n', 'nodes', 'package.json'), 'utf8'));
		expect(Object.keys(ledger.dependencies).sort()).toEqual([BROKEN, LINKED, PACKED].sort());
	});

	test('good packages load cleanly; a broken one is reported in the log', () => {
		const log = n8n!.logText();
		expect(() => assertNoLoadErrors(log, PACKED)).not.toThrow();
		expect(() => assertNoLoadErrors(log, LINKED)).not.toThrow();
		expect(findLoadErrors(log, BROKEN).join('\n')).toContain(`Failed to load package "${BROKEN}"`);
	});
});

describe('n8n CLI: import:workflow + execute, beside the running server', () => {
	test('Manual Trigger -> packed node -> linked node -> No Operation', async () => {
		const id = await importWorkflow(userFolder, {
			name: 'cli chain',
			nodes: [
				{ id: 'start-id', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				echoNode(PACKED, 'Packed', 200),
				echoNode(LINKED, 'Linked', 400),
				{ id: 'noop-id', name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [600, 0], parameters: {} },
			],
			connections: chain('Start', 'Packed', 'Linked', 'Done'),
			settings: {},
		});
		const result = await executeWorkflow(userFolder, id, { extraEnv: { LEAD_E2E_MARKER: MARKER } });
		if (result.crashedAtExit) console.warn('n8n execute crashed while exiting (known n8n 2.41.1 teardown SIGSEGV)');
		expect(result.status).toBe('success');
		const [out] = result.run.data.resultData.runData.Done[0].data.main[0];
		const runtimeWorkflow = path.join('.n8n-runtime', 'node_modules', 'n8n-workflow');
		expect(out.json.Packed).toMatchObject({ greeting: 'hi from Packed', marker: MARKER, luxonDate: '2025-02-28' });
		// The package's own dependency, not the repo's or n8n's; n8n-workflow is n8n's own.
		expect(out.json.Packed.luxonPath).toContain(path.join('node_modules', PACKED, 'node_modules', 'luxon'));
		expect(out.json.Packed.n8nWorkflowPath).toContain(runtimeWorkflow);
		expect(out.json.Linked.n8nWorkflowPath).toContain(runtimeWorkflow);
	});
});

describe('REST and public API', () => {
	let triggerWorkflowId: string;

	test('creates a credential', async () => {
		const credential = await api.createCredential('httpHeaderAuth', 'e2e header', { name: 'X-Test', value: 'secret' });
		expect(credential).toMatchObject({ name: 'e2e header', type: 'httpHeaderAuth' });
		expect(credential.id).toBeTruthy();
	});

	test('create + activate a workflow with a package trigger; executions are readable', async () => {
		const workflow = await api.createWorkflow({
			id: 'ignored-read-only',
			active: true,
			name: 'api trigger',
			nodes: [
				{ id: 'trig-id', name: 'Dummy Trigger', type: `${PACKED}.dummyTrigger`, typeVersion: 1, position: [0, 0], parameters: {} },
				echoNode(PACKED, 'Packed', 200),
			],
			connections: chain('Dummy Trigger', 'Packed'),
		});
		triggerWorkflowId = workflow.id;
		await api.activate(triggerWorkflowId);
		const [execution] = await api.waitForExecutions(triggerWorkflowId, 1, 30_000);
		expect(execution).toMatchObject({ status: 'success', mode: 'trigger' });
		const out = execution.data.resultData.runData.Packed[0].data.main[0][0].json;
		expect(out).toMatchObject({ activationMode: 'activate', Packed: { marker: MARKER } });
	});

	test('runs the workflow manually from its trigger (cookie auth)', async () => {
		const before = (await api.listExecutions(triggerWorkflowId)).length;
		const started = await api.runManually(triggerWorkflowId, 'Dummy Trigger');
		expect(started.executionId).toBeTruthy(); // measured: {"executionId":"3"}, emitted at once
		const executions = await api.waitForExecutions(triggerWorkflowId, before + 1, 30_000);
		const manual = executions.find((e) => e.mode === 'manual');
		expect(manual?.data.resultData.runData.Packed[0].data.main[0][0].json).toMatchObject({ activationMode: 'manual' });
	});

	test('restart keeps folder, owner, API key and re-inits active workflows', async () => {
		const before = (await api.listExecutions(triggerWorkflowId)).length;
		await n8n!.restart();
		const executions = await api.waitForExecutions(triggerWorkflowId, before + 1, 30_000);
		expect(executions[executions.length - 1].data.resultData.runData.Packed[0].data.main[0][0].json).toMatchObject({
			activationMode: 'init',
		});
		const again = await N8nApi.login(n8n!.baseUrl); // owner persisted; a new cookie and key work too
		await again.deactivate(triggerWorkflowId);
		expect((await api.getWorkflow(triggerWorkflowId)).active).toBe(false);
	});

	test('stop() ends n8n and its task runners', async () => {
		const exit = await n8n!.stop();
		expect(n8n!.isRunning()).toBe(false);
		expect(exit).toBeDefined();
		expect(n8n!.logText()).toContain('harness: n8n exited');
		expect(() => process.kill(-n8n!.pid!, 0)).toThrow(); // nothing left in its process group
	});
});
