// A held task in n8n queue mode (main + 1 worker, n8n's database and the lead store on
// PostgreSQL, Redis): Lead Created → Create Lead Task (required) → Create Lead Note waits with no
// worker busy, and the completion through the Lead node resumes it on the worker.
import { Client } from 'pg';
import { openLeadStore, type LeadStore } from '../../core';
import { assertNoLoadErrors, dropRedisKeys, N8nWorker, queueModeEnv, sleep, START_WITH_PACKAGE_TIMEOUT_MS, startN8nWithPackage, type PackageInstance } from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pgConfig } = require('../support/pgConfig');

jest.setTimeout(300_000);

const PKG = 'n8n-nodes-lead-management';
const unique = `${Date.now().toString(36)}_${process.pid}`;
const n8nSchema = `n8n_heldq_${unique}`;
const storeSchema = `lead_heldq_${unique}`;
const redisPrefix = `lead-e2e-heldq-${unique}`;
const pg: { host: string; port: number; database: string; user: string; password?: string } = pgConfig();
const queueEnv = queueModeEnv(pg, n8nSchema, redisPrefix);

let instance: PackageInstance | undefined;
let worker: N8nWorker | undefined;
let store: LeadStore | undefined;

async function sql(text: string): Promise<void> {
	const client = new Client({ ...pg });
	await client.connect();
	try {
		await client.query(text);
	} finally {
		await client.end();
	}
}

beforeAll(async () => {
	await sql(`CREATE SCHEMA IF NOT EXISTS "${n8nSchema}"`);
	instance = await startN8nWithPackage({ extraEnv: queueEnv });
	// Workers build the run's resume address from WEBHOOK_URL (n8n asks for it on every process in
	// queue mode); without it a worker would point at its own default port.
	worker = await N8nWorker.start(instance.userFolder, { ...queueEnv, WEBHOOK_URL: `${instance.n8n.baseUrl}/` });
	assertNoLoadErrors(worker.logText(), instance.installed.packageName);
	store = await openLeadStore({ backend: 'postgres', ...pg, schema: storeSchema });
}, START_WITH_PACKAGE_TIMEOUT_MS);

afterAll(async () => {
	await store?.close().catch(() => undefined);
	await worker?.stop(15_000).catch(() => undefined);
	await instance?.stop();
	await sql(`DROP SCHEMA IF EXISTS "${n8nSchema}" CASCADE; DROP SCHEMA IF EXISTS "${storeSchema}" CASCADE`);
	await dropRedisKeys(redisPrefix);
}, 120_000);

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms; worker log tail:\n${worker!.logText().split('\n').slice(-30).join('\n')}`);
		await sleep(250);
	}
}

test('a held run waits without a worker and resumes on the worker when the task is completed', async () => {
	const { api } = instance!;
	const leads = store!;
	const owner = await leads.transaction((t) => t.createMember({ name: 'Ana', email: 'ana@heldq.test' }));
	const credential = await api.createCredential('leadStoreApi', 'Leads (held, queue)', {
		backend: 'postgres', host: pg.host, port: pg.port, database: pg.database, user: pg.user, password: pg.password ?? '', schema: storeSchema, ssl: 'disable',
	});
	const credentials = { leadStoreApi: { id: credential.id, name: credential.name } };
	const node = (id: string, name: string, type: string, parameters: object, x: number) => ({ id, name, type, typeVersion: 1, position: [x, 0], parameters, ...(type.startsWith(PKG) ? { credentials } : {}) });
	const flow = await api.createWorkflow({
		name: 'held task in queue mode',
		nodes: [
			node('trigger-id', 'Lead Created', `${PKG}.leadCreatedTrigger`, {}, 0),
			node('task-id', 'Task', `${PKG}.createLeadTask`, { type: 'call', description: 'Call', due: 'immediately', assignTo: 'owner', waitForCompletion: 'required' }, 220),
			node('note-id', 'Note', `${PKG}.createLeadNote`, { content: '=Task {{ $json.id }}: {{ $json.outcome }}' }, 440),
		],
		connections: { 'Lead Created': { main: [[{ node: 'Task', type: 'main', index: 0 }]] }, Task: { main: [[{ node: 'Note', type: 'main', index: 0 }]] } },
		settings: {},
	});
	await api.activate(flow.id);
	await until('the trigger started', () => leads.driver.transaction((s) => s.get('SELECT id FROM subscriptions WHERE workflow_id = $1', [flow.id])));

	const lead = await leads.transaction((t) => t.createLead({ name: 'Queued Quinn', owner: owner.id }));
	const task = await until('the task is held', async () => (await leads.read((t) => t.listTasks(lead.id))).find((x) => x.hold));
	const waiting = await until('the run waits', async () => (await api.listExecutions(flow.id)).find((e) => e.status === 'waiting'));
	expect(worker!.executionIds()).toContain(waiting.id); // it started on the worker
	expect(await leads.read((t) => t.listNotes(lead.id))).toEqual([]);

	const complete = await api.createWorkflow({
		name: 'complete the task',
		nodes: [node('start-id', 'Start', 'n8n-nodes-base.manualTrigger', {}, 0), node('lead-id', 'Lead', `${PKG}.lead`, { resource: 'task', operation: 'complete', taskId: String(task.id) }, 220)],
		connections: { Start: { main: [[{ node: 'Lead', type: 'main', index: 0 }]] } },
		settings: {},
	});
	const startedBefore = [...worker!.logText().matchAll(new RegExp(`Worker started execution ${waiting.id}\\b`, 'g'))].length;
	await api.runManually(complete.id, 'Start');
	const [completed] = await api.waitForExecutions(complete.id, 1, 60_000);
	const woken = completed.data.resultData.runData['Lead'][0].data.main[0][0].json;
	expect({ status: completed.status, waitingRuns: woken.waitingRuns }).toEqual({ status: 'success', waitingRuns: [{ resumed: true, message: 'the run goes on' }] });
	const done = await until('the held run finished', async () => {
		const e = await api.getExecution(waiting.id, true);
		return e.status === 'success' ? e : e.status === 'error' ? Promise.reject(new Error(JSON.stringify(e.data?.resultData?.error))) : undefined;
	});
	expect(done.data.resultData.runData['Task'].at(-1).data.main[0][0].json).toMatchObject({ id: task.id, outcome: 'completed' });
	expect((await leads.read((t) => t.listNotes(lead.id))).map((n) => n.content)).toEqual([`Task ${task.id}: completed`]);
	// The resumed run went to the worker again (through Redis), not the main.
	expect([...worker!.logText().matchAll(new RegExp(`Worker started execution ${waiting.id}\\b`, 'g'))].length).toBeGreaterThan(startedBefore);
});
