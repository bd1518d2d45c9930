// Queue mode at scale: one `n8n start` (the trigger runs there and enqueues runs in Redis) and two
// `n8n worker`s, n8n's database and the lead store on PostgreSQL. Four other OS processes write
// 1,000 leads at once; a published Lead Created → Assign Lead (round robin over a pool of three,
// weights 1:2:3) → Create Lead Task runs for each. First with nothing going wrong: each lead has
// exactly one successful execution, one assignment, one task for its owner, each member within 1
// of its weighted share. Then with a worker killed by SIGKILL mid-run (and started again) and
// then the main (and started again): still one successful execution per lead, one assignment and
// one task. Runs the worker's death cut off are failed by n8n as stalled ("failed to be processed
// too many times"; n8n never re-runs them) and the trigger hands their events over again under
// the next delivery key; the steps find what the lost run had written. Runs the main's death cut
// off before they were queued are `crashed`, and n8n's Retry (what the README tells users) runs
// each once.
import { Client } from 'pg';
import { openLeadStore, type LeadStore, type Member, type StoreConfig } from '../../core';
import { runWorkers } from '../support/workers';
import {
	assertNoLoadErrors,
	dropRedisKeys,
	N8nWorker,
	queueModeEnv,
	sleep,
	START_WITH_PACKAGE_TIMEOUT_MS,
	startN8nWithPackage,
	type ExtraEnv,
	type Execution,
	type PackageInstance,
	type PgTarget,
} from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pgConfig } = require('../support/pgConfig');

const PKG = 'n8n-nodes-lead-management';
const LEADS = Number(process.env.QUEUE_SCALE_LEADS ?? 1_000);
const WRITERS = 4;
const WEIGHTS = [1, 2, 3];
const TRIGGER = 'Lead Created Trigger';
const TEST_TIMEOUT_MS = 12 * 60_000;
/** No run ending for this long means none will (a stalled job ends within 15 s here). */
const STUCK_MS = 45_000;
/** What n8n 2.41 writes on a run whose worker vanished (scaling: MaxStalledCountError). */
const STALLED = /failed to be processed too many times/;

const pg: PgTarget = pgConfig();
const unique = `${Date.now().toString(36)}_${process.pid}`;
const n8nSchema = `n8n_qscale_${unique}`;
const storeSchema = `lead_qscale_${unique}`;
const redisPrefix = `lead-e2e-qscale-${unique}`;
const storeConfig = { backend: 'postgres', ...pg, schema: storeSchema } as StoreConfig;

/**
 * A job whose worker died is noticed when its lock runs out: n8n's default lock lasts 60 s and
 * the stalled check runs every 30 s. Seconds here, so a killed worker's runs end quickly; the
 * lock is still renewed every 2 s, far inside 10 s even on a busy 2-core box.
 */
const queueEnv: ExtraEnv = {
	...queueModeEnv(pg, n8nSchema, redisPrefix),
	QUEUE_WORKER_LOCK_DURATION: 10_000,
	QUEUE_WORKER_LOCK_RENEW_TIME: 2_000,
	QUEUE_WORKER_STALLED_INTERVAL: 5_000,
};

let instance: PackageInstance;
/** The live workers; every worker process ever started (for their logs) in `allWorkers`. */
const workers: N8nWorker[] = [];
const allWorkers: N8nWorker[] = [];
let store: LeadStore;
let members: Member[];
let credentials: { leadStoreApi: { id: string; name: string } };

/** Unpublished after each test, passed or not, so the next test's leads run only its own workflow. */
const published: string[] = [];
afterEach(async () => {
	for (const id of published.splice(0)) await instance.api.deactivate(id).catch(() => undefined);
});

async function sql(text: string): Promise<void> {
	const client = new Client({ ...pg });
	await client.connect();
	try {
		await client.query(text);
	} finally {
		await client.end();
	}
}

async function startWorker(): Promise<N8nWorker> {
	const worker = await N8nWorker.start(instance.userFolder, queueEnv);
	assertNoLoadErrors(worker.logText(), instance.installed.packageName);
	allWorkers.push(worker);
	return worker;
}

beforeAll(async () => {
	await sql(`CREATE SCHEMA IF NOT EXISTS "${n8nSchema}"`);
	instance = await startN8nWithPackage({ extraEnv: queueEnv });
	for (let i = 0; i < 2; i++) workers.push(await startWorker());
	store = await openLeadStore(storeConfig);
	members = await store.transaction(async (t) => [
		await t.createMember({ name: 'Ana', email: 'ana@qscale.test' }),
		await t.createMember({ name: 'Bo', email: 'bo@qscale.test' }),
		await t.createMember({ name: 'Cy', email: 'cy@qscale.test' }),
	]);
	const credential = await instance.api.createCredential('leadStoreApi', 'Leads (queue scale)', {
		backend: 'postgres',
		host: pg.host,
		port: pg.port,
		database: pg.database,
		user: pg.user,
		password: pg.password ?? '',
		schema: storeSchema,
		ssl: 'disable',
	});
	credentials = { leadStoreApi: { id: credential.id, name: credential.name } };
}, START_WITH_PACKAGE_TIMEOUT_MS);

afterAll(async () => {
	await store?.close().catch(() => undefined);
	await Promise.all(workers.map((w) => w.stop(15_000).catch(() => undefined)));
	await instance?.stop();
	await sql(`DROP SCHEMA IF EXISTS "${n8nSchema}" CASCADE; DROP SCHEMA IF EXISTS "${storeSchema}" CASCADE`).catch(() => undefined);
	await dropRedisKeys(redisPrefix).catch(() => undefined);
}, 120_000);

/** Lead Created → Assign Lead (round robin over `pool`) → Create Lead Task for the lead's owner. */
async function publishFlow(name: string, pool: string): Promise<string> {
	const workflow = await instance.api.createWorkflow({
		name,
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
					poolName: pool,
					poolMembers: { members: members.map((m, i) => ({ member: { __rl: true, mode: 'id', value: String(m.id) }, weight: WEIGHTS[i] })) },
				},
				credentials,
			},
			{
				id: 'task-id',
				name: 'Task',
				type: `${PKG}.createLeadTask`,
				typeVersion: 1,
				position: [440, 0],
				parameters: { type: 'call', description: 'First call', due: 'after', dueAmount: 1, dueUnit: 'hours', assignTo: 'owner' },
				credentials,
			},
		],
		connections: {
			[TRIGGER]: { main: [[{ node: 'Assign', type: 'main', index: 0 }]] },
			Assign: { main: [[{ node: 'Task', type: 'main', index: 0 }]] },
		},
		settings: {},
	});
	// Publishing applies asynchronously; the trigger's subscription row means it runs (on the main).
	await instance.api.activate(workflow.id);
	published.push(workflow.id);
	const deadline = Date.now() + 60_000;
	while (!(await store.driver.transaction((s) => s.get('SELECT id FROM subscriptions WHERE workflow_id = $1', [workflow.id])))) {
		if (Date.now() > deadline) throw new Error(`the trigger did not start within 60 s; main log:\n${instance.n8n.logText().split('\n').slice(-40).join('\n')}`);
		await sleep(50);
	}
	return workflow.id;
}

/** `WRITERS` other OS processes write `LEADS` leads between them, all at once. */
function writeLeads(prefix: string, gapMs: number): Promise<number[]> {
	const per = Math.ceil(LEADS / WRITERS);
	const jobs = Array.from({ length: WRITERS }, (_, i) => ({
		job: 'writeLeads.js',
		args: { config: storeConfig, count: Math.min(per, LEADS - i * per), gapMs, prefix: `${prefix}${i}-` },
	}));
	return runWorkers<{ commits: Array<{ leadId: number }> }>(jobs, { timeoutMs: 300_000 }).then((results) =>
		results.flatMap((r) => r.commits.map((c) => c.leadId)),
	);
}

/** Tasks in the store so far: how far the runs got. */
async function taskCount(): Promise<number> {
	const row = await store.driver.transaction((s) => s.get<{ n: string }>('SELECT COUNT(*) AS n FROM tasks'));
	return Number(row!.n);
}

async function untilTasks(count: number, timeoutMs = 180_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while ((await taskCount()) < count) {
		if (Date.now() > deadline) throw new Error(`fewer than ${count} tasks after ${timeoutMs} ms`);
		await sleep(100);
	}
}

/** Waits until `count` executions ended and nothing more ended for `quietMs`; returns them with data. */
async function settled(workflowId: string, count: number, timeoutMs: number, quietMs = 6_000): Promise<Execution[]> {
	const deadline = Date.now() + timeoutMs;
	let last = -1;
	let lastChange = Date.now();
	for (;;) {
		const ended = (await instance.api.listExecutions(workflowId)).filter((e) => e.stoppedAt || e.status === 'crashed');
		if (ended.length !== last) {
			last = ended.length;
			lastChange = Date.now();
		}
		if (ended.length >= count && Date.now() - lastChange >= quietMs) break;
		// Short of `count` with nothing ending for a long while (or out of time): the per-lead
		// checks that follow tell what is missing.
		if (Date.now() > deadline || Date.now() - lastChange > STUCK_MS) {
			console.warn(`workflow ${workflowId}: ${ended.length} of ${count} executions ended; none more for ${Date.now() - lastChange} ms`);
			break;
		}
		await sleep(1_000);
	}
	return instance.api.listExecutions(workflowId, true);
}

/** The lead a trigger execution ran for: the trigger's output, or (cut off before that was saved) its input. */
function leadIdOf(execution: Execution): number | undefined {
	const data = execution.data;
	const out = data?.resultData?.runData?.[TRIGGER]?.[0]?.data?.main?.[0]?.[0]?.json;
	if (out?.lead?.id !== undefined) return Number(out.lead.id);
	const stacked = (data?.executionData?.nodeExecutionStack ?? []).find((s: { node?: { name?: string } }) => s.node?.name === TRIGGER);
	const input = stacked?.data?.main?.[0]?.[0]?.json;
	return input?.lead?.id !== undefined ? Number(input.lead.id) : undefined;
}

/**
 * Execution id → lead, through the delivery key n8n stored with each trigger execution (its last
 * part is the event id). A run that stalled on a killed worker keeps neither the trigger's output
 * nor its input in its data: n8n replaces them with the error.
 */
async function leadsByDeliveryKey(): Promise<Map<string, number>> {
	const rows = await n8nRows(
		`SELECT e.id::text AS id, ev.lead_id FROM "${n8nSchema}".execution_entity e
		JOIN "${storeSchema}".events ev ON ev.id = split_part(e."deduplicationKey", ':', 5)::bigint
		WHERE e."deduplicationKey" LIKE 'lead:%'`,
	);
	return new Map(rows.map((r) => [String(r.id), Number(r.lead_id)]));
}

/** The executions (ids) whose event the trigger handed over again: the first key of an event with a `:2` run. */
async function redeliveredKeys(): Promise<Set<string>> {
	const rows = await n8nRows(
		`SELECT first.id::text AS id FROM "${n8nSchema}".execution_entity first
		JOIN "${n8nSchema}".execution_entity again ON again."deduplicationKey" = first."deduplicationKey" || ':2'`,
	);
	return new Set(rows.map((r) => String(r.id)));
}

/** Rows of a query on n8n's own database (and the store's schema beside it). */
async function n8nRows(text: string): Promise<Array<Record<string, unknown>>> {
	const client = new Client({ ...pg });
	await client.connect();
	try {
		return (await client.query(text)).rows;
	} finally {
		await client.end();
	}
}

/** Each trigger execution by its lead; every lead has one at least (none lost), none is a stranger. */
function runsPerLead(executions: Execution[], leadIds: number[], keyed: Map<string, number>): Map<number, Execution[]> {
	const byLead = new Map<number, Execution[]>();
	const unknown: string[] = [];
	for (const execution of executions.filter((e) => e.mode === 'trigger' || e.retryOf)) {
		const leadId = leadIdOf(execution) ?? keyed.get(String(execution.id));
		if (leadId === undefined) unknown.push(`${execution.id}:${execution.status}`);
		else byLead.set(leadId, [...(byLead.get(leadId) ?? []), execution]);
	}
	const wanted = new Set(leadIds);
	const lost = leadIds.filter((id) => !byLead.has(id));
	const strangers = [...byLead.keys()].filter((id) => !wanted.has(id));
	expect({ unknown, lost, strangers }).toEqual({ unknown: [], lost: [], strangers: [] });
	return byLead;
}

/** Every lead has exactly one trigger execution (none lost, none run twice); returns lead → execution. */
async function oneExecutionPerLead(executions: Execution[], leadIds: number[]): Promise<Map<number, Execution>> {
	const byLead = runsPerLead(executions, leadIds, await leadsByDeliveryKey());
	const twice = [...byLead].filter(([, runs]) => runs.length > 1).map(([id, runs]) => `${id}: ${runs.map((r) => `${r.id}:${r.status}`).join(', ')}`);
	expect(twice).toEqual([]);
	return new Map([...byLead].map(([id, [run]]) => [id, run]));
}

interface StoreRow {
	lead_id: string;
	owner_id: string | null;
	assignments: string;
	pool_assignments: string;
	tasks: string;
	owner_tasks: string;
}

/** Per lead of `leadIds`: its owner, assignments (all, and in `pool`), tasks (all, and for its owner). */
async function storeView(leadIds: number[], pool: string): Promise<Map<number, { owner: number | null; assignments: number; poolAssignments: number; tasks: number; ownerTasks: number }>> {
	const rows = await store.driver.transaction((s) =>
		s.all<StoreRow>(
			`SELECT l.id AS lead_id, l.owner_id,
				(SELECT COUNT(*) FROM assignments a WHERE a.lead_id = l.id) AS assignments,
				(SELECT COUNT(*) FROM assignments a JOIN pools p ON p.id = a.pool_id
					WHERE a.lead_id = l.id AND p.name = $3 AND a.member_id = l.owner_id AND a.mode = 'round_robin') AS pool_assignments,
				(SELECT COUNT(*) FROM tasks t WHERE t.lead_id = l.id) AS tasks,
				(SELECT COUNT(*) FROM tasks t WHERE t.lead_id = l.id AND t.assignee_id = l.owner_id) AS owner_tasks
			FROM leads l WHERE l.id >= $1 AND l.id <= $2`,
			[Math.min(...leadIds), Math.max(...leadIds), pool],
		),
	);
	const wanted = new Set(leadIds);
	return new Map(
		rows
			.filter((r) => wanted.has(Number(r.lead_id)))
			.map((r) => [
				Number(r.lead_id),
				{
					owner: r.owner_id === null ? null : Number(r.owner_id),
					assignments: Number(r.assignments),
					poolAssignments: Number(r.pool_assignments),
					tasks: Number(r.tasks),
					ownerTasks: Number(r.owner_tasks),
				},
			]),
	);
}

/** Each lead: an owner from one round-robin assignment in `pool`, one task for that owner; shares within 1. */
async function expectAssignedAndTaskedOnce(leadIds: number[], pool: string): Promise<string> {
	const view = await storeView(leadIds, pool);
	const wrong = leadIds
		.map((id) => [id, view.get(id)] as const)
		.filter(([, v]) => !v || v.owner === null || v.assignments !== 1 || v.poolAssignments !== 1 || v.tasks !== 1 || v.ownerTasks !== 1)
		.map(([id, v]) => `${id}: ${JSON.stringify(v)}`);
	expect(wrong).toEqual([]);
	const shares = members.map((m) => leadIds.filter((id) => view.get(id)!.owner === m.id).length);
	const total = WEIGHTS.reduce((a, b) => a + b, 0);
	WEIGHTS.forEach((w, i) => expect(Math.abs(shares[i] - (leadIds.length * w) / total)).toBeLessThanOrEqual(1));
	return members.map((m, i) => `${m.name}=${shares[i]}`).join(' ');
}

const executionsOnWorkers = () => allWorkers.map((w) => w.executionIds().length);

test(
	`main + 2 workers: ${LEADS} leads written at once by ${WRITERS} other processes, each run once: one assignment, one task, weighted shares`,
	async () => {
		const workflowId = await publishFlow('queue scale', 'Scale');
		const before = executionsOnWorkers();
		const started = Date.now();
		const leadIds = await writeLeads('qscale-', 0);
		const writtenMs = Date.now() - started;
		expect(leadIds).toHaveLength(LEADS);

		const executions = await settled(workflowId, LEADS, 300_000, 3_000);
		const lastStop = Math.max(...executions.map((e) => Date.parse(e.stoppedAt!)));
		const endToEndMs = lastStop - started;
		const byLead = await oneExecutionPerLead(executions, leadIds);
		expect([...byLead.values()].filter((e) => e.status !== 'success').map((e) => `${e.id}:${e.status}`)).toEqual([]);
		const shares = await expectAssignedAndTaskedOnce(leadIds, 'Scale');

		// Both workers ran a part of them; the main ran none.
		const ran = executionsOnWorkers().map((n, i) => n - before[i]);
		expect(ran.reduce((a, b) => a + b, 0)).toBe(LEADS);
		for (const n of ran) expect(n).toBeGreaterThan(0);
		expect(instance.n8n.logText()).not.toMatch(/Worker started execution/);
		console.log(
			`queue mode at scale: ${LEADS} leads written by ${WRITERS} processes in ${writtenMs} ms; the last run ended ${endToEndMs} ms after the first write ` +
				`(${((LEADS * 1000) / endToEndMs).toFixed(1)} leads/s end to end); workers ran ${ran.join(' / ')}; shares ${shares}`,
		);
	},
	TEST_TIMEOUT_MS,
);

test(
	`main + 2 workers, a worker and then the main SIGKILLed mid-run: ${LEADS} leads, none lost, each with one successful run, one assignment and one task`,
	async () => {
		const workflowId = await publishFlow('queue scale, crashes', 'Scale crashes');
		const tasksBefore = await taskCount();
		const startedBefore = workers[0].executionIds().length;
		const started = Date.now();
		// About 4 × 20 leads a second: writing goes on through both kills.
		const writing = writeLeads('qcrash-', 35);

		// A worker dies with runs in progress; a new one takes its place.
		await untilTasks(tasksBefore + Math.round(LEADS * 0.2));
		const victim = workers.shift()!;
		const victimRan = victim.executionIds().slice(startedBefore);
		await victim.kill();
		workers.push(await startWorker());
		// n8n fails the cut-off runs as stalled once their lock runs out (and its 30 s grace), and
		// the trigger hands each such event over again under its next key. Both before the main
		// goes down: a main started later has lost the watch on those jobs (see the README).
		const victimRuns = async () => (await instance.api.listExecutions(workflowId)).filter((e) => victimRan.includes(String(e.id)));
		const deadline = Date.now() + 120_000;
		let stalled: Execution[] = [];
		while (Date.now() < deadline) {
			const runs = await victimRuns();
			stalled = runs.filter((e) => e.status === 'error');
			const redelivered = await redeliveredKeys();
			if (runs.every((e) => e.stoppedAt) && stalled.length > 0 && stalled.every((e) => redelivered.has(String(e.id)))) break;
			await sleep(1_000);
		}
		expect(stalled.length).toBeGreaterThan(0);

		// Then the main dies, while leads are still being written and runs are queued and running.
		await untilTasks(tasksBefore + Math.round(LEADS * 0.45));
		await instance.n8n.kill();
		await instance.n8n.restart();

		const leadIds = await writing;
		expect(leadIds).toHaveLength(LEADS);
		await settled(workflowId, LEADS + stalled.length, 420_000);
		const allMs = Date.now() - started;

		// n8n's Retry (public API) of each run the main's kill cut off (`crashed`), as the README tells users.
		const retry = (e: Execution) => instance.api.api('POST', `/executions/${e.id}/retry`, { loadWorkflow: false });
		const beforeRetry = runsPerLead(await instance.api.listExecutions(workflowId, true), leadIds, await leadsByDeliveryKey());
		const crashed = [...beforeRetry.values()].flat().filter((e) => e.status === 'crashed');
		for (const e of crashed) await retry(e);
		const executions = await settled(workflowId, LEADS + stalled.length + crashed.length, 180_000, 3_000);
		const byLead = runsPerLead(executions, leadIds, await leadsByDeliveryKey());

		// Every lead: exactly one successful run (a retry of a crashed one counts); any other run of
		// it is one n8n lost with the worker (stalled, then handed over again) or one the main's kill
		// cut off (crashed, then retried). Nothing else failed, nothing ran twice to success.
		const summary = (runs: Execution[]) => runs.map((e) => `${e.id}:${e.status}${e.retryOf ? `(retry of ${e.retryOf})` : ''} ${e.data?.resultData?.error?.message ?? ''}`).join(', ');
		const notOnce = leadIds.filter((id) => (byLead.get(id) ?? []).filter((e) => e.status === 'success').length !== 1);
		expect(notOnce.map((id) => `${id}: ${summary(byLead.get(id) ?? [])}`)).toEqual([]);
		const failed = [...byLead.values()].flat().filter((e) => e.status !== 'success');
		const unexpected = failed.filter((e) => !(e.status === 'crashed' || (e.status === 'error' && STALLED.test(e.data?.resultData?.error?.message ?? ''))));
		expect(unexpected.map((e) => summary([e]))).toEqual([]);
		const stalledLeads = leadIds.filter((id) => (byLead.get(id) ?? []).some((e) => e.status === 'error'));
		expect(stalledLeads.length).toBeGreaterThan(0);

		// And in the store: one assignment in the pool and one task for its owner per lead, also for
		// the leads whose lost run had written them before the worker died; shares within 1.
		const shares = await expectAssignedAndTaskedOnce(leadIds, 'Scale crashes');
		console.log(
			`queue mode, crashes: ${LEADS} leads; a worker SIGKILLed after it had started ${victimRan.length} runs, then the main; all runs ended ${allMs} ms after the first write; ` +
				`0 lost; ${stalledLeads.length} runs lost with the worker (failed as stalled) and handed over again, ${crashed.length} crashed with the main and retried; ` +
				`every lead one successful run, one assignment, one task; shares ${shares}`,
		);
	},
	TEST_TIMEOUT_MS,
);
