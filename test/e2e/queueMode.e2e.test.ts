// The package in n8n queue mode: one `n8n start` (where the trigger runs, enqueueing executions in
// Redis) and two `n8n worker` processes (where they run), n8n's own database and the lead store
// both on PostgreSQL. The test creates 40 leads through its own LeadStore (another process);
// Lead Created Trigger → Assign Lead (weighted round robin, weights 1,1,2) must give each lead
// exactly one owner, the exact 10/10/20 shares, with the executions spread over the workers.
import { Client } from 'pg';
import { openLeadStore, type LeadStore, type Member } from '../../core';
import {
	assertNoLoadErrors,
	dropRedisKeys,
	N8nWorker,
	queueModeEnv,
	sleep,
	START_WITH_PACKAGE_TIMEOUT_MS,
	startN8nWithPackage,
	type ExtraEnv,
	type PackageInstance,
} from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pgConfig } = require('../support/pgConfig');

jest.setTimeout(300_000);

const PKG = 'n8n-nodes-lead-management';
const LEADS = 40;
const WEIGHTS = [1, 1, 2];
const TRIGGER = 'Lead Created Trigger';
const SETTLE_MS = 3_000;

const unique = `${Date.now().toString(36)}_${process.pid}`;
const n8nSchema = `n8n_queue_${unique}`;
const storeSchema = `lead_queue_${unique}`;
/** Every Redis key of this run starts with it: Bull's queue and n8n's own (cache, instance registry). */
const redisPrefix = `lead-e2e-queue-${unique}`;
const pg: { host: string; port: number; database: string; user: string; password?: string } = pgConfig();

/** n8n in queue mode on PostgreSQL; the main and every worker get the same. */
const queueEnv: ExtraEnv = queueModeEnv(pg, n8nSchema, redisPrefix);

let instance: PackageInstance | undefined;
const workers: N8nWorker[] = [];
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
	for (let i = 0; i < 2; i++) workers.push(await N8nWorker.start(instance.userFolder, queueEnv));
	for (const worker of workers) assertNoLoadErrors(worker.logText(), instance.installed.packageName);
	store = await openLeadStore({ backend: 'postgres', ...pg, schema: storeSchema });
}, START_WITH_PACKAGE_TIMEOUT_MS);

afterAll(async () => {
	await store?.close().catch(() => undefined);
	await Promise.all(workers.map((w) => w.stop(15_000).catch(() => undefined)));
	await instance?.stop(); // stops the main, then kills whatever the harness still runs
	await sql(`DROP SCHEMA IF EXISTS "${n8nSchema}" CASCADE; DROP SCHEMA IF EXISTS "${storeSchema}" CASCADE`);
	await dropRedisKeys(redisPrefix);
}, 120_000);

test('main + 2 workers: 40 leads created elsewhere are each assigned once, 10/10/20, on the workers', async () => {
	const { api, n8n } = instance!;
	const leadStore = store!;
	const members: Member[] = await leadStore.transaction(async (t) => [
		await t.createMember({ name: 'Ana', email: 'ana@queue.test' }),
		await t.createMember({ name: 'Bo', email: 'bo@queue.test' }),
		await t.createMember({ name: 'Cy', email: 'cy@queue.test' }),
	]);
	const credential = await api.createCredential('leadStoreApi', 'Leads (queue e2e)', {
		backend: 'postgres',
		host: pg.host,
		port: pg.port,
		database: pg.database,
		user: pg.user,
		password: pg.password ?? '',
		schema: storeSchema,
		ssl: 'disable',
	});
	const credentials = { leadStoreApi: { id: credential.id, name: credential.name } };
	const workflow = await api.createWorkflow({
		name: 'queue mode round robin',
		nodes: [
			{ id: 'trigger-id', name: TRIGGER, type: `${PKG}.leadCreatedTrigger`, typeVersion: 1, position: [0, 0], parameters: {}, credentials },
			{
				id: 'assign-id',
				name: 'Assign',
				type: `${PKG}.assignLead`,
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					mode: 'roundRobin',
					poolName: 'Queue',
					poolMembers: { members: members.map((m, i) => ({ member: { __rl: true, mode: 'id', value: String(m.id) }, weight: WEIGHTS[i] })) },
				},
				credentials,
			},
		],
		connections: { [TRIGGER]: { main: [[{ node: 'Assign', type: 'main', index: 0 }]] } },
		settings: {},
	});

	// Publishing applies asynchronously; the trigger's subscription row means it runs (on the main).
	await api.activate(workflow.id);
	const deadline = Date.now() + 60_000;
	while (!(await leadStore.driver.transaction((s) => s.get('SELECT id FROM subscriptions WHERE workflow_id = $1 AND node_id = $2', [workflow.id, 'trigger-id'])))) {
		if (Date.now() > deadline) throw new Error(`the trigger did not start within 60 s; main log:\n${n8n.logText().split('\n').slice(-40).join('\n')}`);
		await sleep(50);
	}

	const started = Date.now();
	const leads = [];
	for (let i = 0; i < LEADS; i++) leads.push(await leadStore.transaction((t) => t.createLead({ name: `Queue lead ${i + 1}` })));

	try {
		await api.waitForExecutions(workflow.id, LEADS, 180_000, { includeData: false, intervalMs: 500 });
	} catch (error) {
		const tails = workers.map((w, i) => `worker ${i + 1} log tail:\n${w.logText().split('\n').slice(-30).join('\n')}`).join('\n');
		throw new Error(`${(error as Error).message}\nmain log tail:\n${n8n.logText().split('\n').slice(-30).join('\n')}\n${tails}`);
	}
	const elapsed = Date.now() - started;
	await sleep(SETTLE_MS);

	// Exactly one successful execution per lead, none failed.
	const executions = await api.listExecutions(workflow.id, true);
	expect(executions.map((e) => `${e.mode}:${e.status}`)).toEqual(executions.map(() => 'trigger:success'));
	expect(executions).toHaveLength(LEADS);
	const assignedLeadIds = executions.map((e) => e.data.resultData.runData.Assign[0].data.main[0][0].json.lead.id);
	expect(new Set(assignedLeadIds)).toEqual(new Set(leads.map((l) => l.id)));

	// Each lead: exactly one owner, exactly one assignment row; shares exactly 10/10/20.
	const shares = new Map<number, number>();
	for (const lead of leads) {
		const [current, history] = await leadStore.read(async (t) => [await t.getLead(lead.id), await t.listAssignments(lead.id)] as const);
		expect(current.owner).not.toBeNull();
		expect(history).toHaveLength(1);
		expect(history[0]).toMatchObject({ member: { id: current.owner!.id }, pool: { name: 'Queue' }, mode: 'round_robin' });
		shares.set(current.owner!.id, (shares.get(current.owner!.id) ?? 0) + 1);
	}
	const total = WEIGHTS.reduce((a, b) => a + b, 0);
	expect(members.map((m) => shares.get(m.id) ?? 0)).toEqual(WEIGHTS.map((w) => (LEADS * w) / total));

	// The executions ran on the workers. n8n records no worker in the execution (its mode stays
	// `trigger`), but the main logs "Enqueued execution <id> (job <n>)" for each one it hands to
	// Redis, and a worker "Worker started execution <id> (job <n>)" for each one it takes.
	const ids = executions.map((e) => e.id).sort();
	const enqueued = [...n8n.logText().matchAll(/Enqueued execution (\d+) \(job/g)].map((m) => m[1]);
	expect(enqueued.sort()).toEqual(ids);
	const byWorker = workers.map((w) => w.executionIds());
	expect(byWorker.flat().sort()).toEqual(ids); // each execution on exactly one worker
	expect(n8n.logText()).not.toMatch(/Worker started execution/);
	for (const ids of byWorker) expect(ids.length).toBeGreaterThan(0);
	console.log(
		`queue mode: ${LEADS} leads → ${executions.length} executions finished in ${elapsed} ms; ` +
			`worker 1 ran ${byWorker[0].length}, worker 2 ran ${byWorker[1].length}; shares ${members.map((m) => `${m.name}=${shares.get(m.id)}`).join(' ')}`,
	);
});
