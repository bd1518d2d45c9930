// Tasks that hold the run, in a real n8n 2.41.1 on both stores at once: a published Lead Created
// → Create Lead Task → Create Lead Note waits in n8n's waiting state (no note yet) until its task
// is closed: through the Lead node in another workflow, through the task's completion link, by a
// completed call logged on the lead (a call task held by a pool of 3), or not at all (optional
// with a 1-minute limit: it goes on as expired). All held runs also live through an n8n restart.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openLeadStore, type LeadStore, type StoreConfig, type Task } from '../../core';
import { START_WITH_PACKAGE_TIMEOUT_MS, startN8nWithPackage, sleep, type Execution, type PackageInstance } from './harness';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pgConfig } = require('../support/pgConfig');

jest.setTimeout(420_000);

const PKG = 'n8n-nodes-lead-management';
let instance: PackageInstance;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-e2e-held-'));

interface Backend {
	name: 'sqlite' | 'postgres';
	store: LeadStore;
	credential: { id: string; name: string };
	flow: string;
	members: number[];
}
const backends: Backend[] = [];

async function backend(name: Backend['name']): Promise<Backend> {
	const pg = pgConfig();
	const schema = `held_e2e_${process.pid}`;
	const config: StoreConfig = name === 'sqlite' ? { backend: 'sqlite', file: path.join(dir, 'leads.sqlite') } : ({ backend: 'postgres', ...pg, schema } as StoreConfig);
	const store = await openLeadStore(config);
	if (name === 'postgres') await store.driver.transaction((s) => s.run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).catch(() => undefined);
	const fresh = name === 'postgres' ? (await store.close(), await openLeadStore(config)) : store;
	const data = name === 'sqlite' ? { backend: 'sqlite', file: path.join(dir, 'leads.sqlite') } : { backend: 'postgres', host: pg.host, port: pg.port, database: pg.database, user: pg.user, password: pg.password ?? '', schema, ssl: 'disable' };
	const credential = await instance.api.createCredential('leadStoreApi', `Leads (held, ${name})`, data);
	const members = await fresh.transaction(async (t) => {
		const ids: number[] = [];
		for (const who of ['Ann', 'Ben', 'Cid']) ids.push((await t.createMember({ name: who, email: `${who.toLowerCase()}@${name}.test` })).id);
		await t.definePool({ name: 'Callers', members: ids.map((member) => ({ member })) });
		return ids;
	});
	return { name, store: fresh, credential, flow: '', members };
}

const node = (b: Backend, name: string, type: string, parameters: object, x: number) => ({
	id: `${name.replace(/\W/g, '-').toLowerCase()}-id`,
	name,
	type,
	typeVersion: 1,
	position: [x, 0],
	parameters,
	...(type.startsWith(PKG) ? { credentials: { leadStoreApi: b.credential } } : {}),
});

/** The flow under test; the lead's source picks the case (an expression, as a user could write). */
const flow = (b: Backend) => ({
	name: `held task (${b.name})`,
	nodes: [
		node(b, 'Lead Created', `${PKG}.leadCreatedTrigger`, {}, 0),
		node(b, 'Task', `${PKG}.createLeadTask`, {
			type: '={{ $json.lead.source === "call" ? "call" : "follow_up" }}',
			description: '=Follow up with {{ $json.lead.name }}',
			due: 'immediately',
			assignTo: '={{ $json.lead.source === "call" ? "pool" : "owner" }}',
			pool: 'Callers',
			// Not used by these cases; n8n asks for every required parameter when Assign To is an expression.
			assignee: { __rl: true, mode: 'id', value: '1' },
			assigneeField: 'rep',
			waitForCompletion: '={{ $json.lead.source === "limit" ? "optionalWithLimit" : "required" }}',
			limitAmount: 1,
			limitUnit: 'minutes',
		}, 220),
		node(b, 'Note', `${PKG}.createLeadNote`, { content: '=Task {{ $json.id }}: {{ $json.outcome }}' }, 440),
	],
	connections: { 'Lead Created': { main: [[{ node: 'Task', type: 'main', index: 0 }]] }, Task: { main: [[{ node: 'Note', type: 'main', index: 0 }]] } },
	settings: {},
});

/** A second workflow: Manual Trigger → one Lead node operation, run as the editor's "Execute workflow". */
async function runLeadNode(b: Backend, parameters: object): Promise<Execution> {
	const wf = await instance.api.createWorkflow({
		name: `lead node (${b.name})`,
		nodes: [node(b, 'Start', 'n8n-nodes-base.manualTrigger', {}, 0), node(b, 'Lead', `${PKG}.lead`, parameters, 220)],
		connections: { Start: { main: [[{ node: 'Lead', type: 'main', index: 0 }]] } },
		settings: {},
	});
	await instance.api.runManually(wf.id, 'Start');
	const [execution] = await instance.api.waitForExecutions(wf.id, 1, 60_000);
	return execution;
}

async function publish(b: Backend) {
	const wf = await instance.api.createWorkflow(flow(b));
	b.flow = wf.id;
	await instance.api.activate(wf.id);
	const deadline = Date.now() + 60_000;
	while (!(await b.store.driver.transaction((s) => s.get('SELECT id FROM subscriptions WHERE workflow_id = $1', [wf.id])))) {
		if (Date.now() > deadline) throw new Error(`the trigger of ${wf.id} did not start`);
		await sleep(100);
	}
}

/** The task the run for this lead holds, once the run has saved its wait. */
async function heldTask(b: Backend, leadId: number): Promise<Task> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const [task] = await b.store.read((t) => t.listTasks(leadId));
		const waiting = (await instance.api.listExecutions(b.flow)).filter((e) => e.status === 'waiting');
		if (task?.hold && waiting.length > 0) return task;
		if (Date.now() > deadline) throw new Error(`no held task for lead ${leadId} on ${b.name}`);
		await sleep(200);
	}
}

/** The flow's execution whose trigger carried this lead. */
async function executionFor(b: Backend, leadId: number, timeoutMs = 60_000): Promise<Execution> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		for (const e of await instance.api.listExecutions(b.flow, true)) {
			if (e.data?.resultData?.runData?.['Lead Created']?.[0]?.data?.main?.[0]?.[0]?.json?.lead?.id === leadId) return e;
		}
		if (Date.now() > deadline) throw new Error(`no execution for lead ${leadId} on ${b.name}`);
		await sleep(250);
	}
}

async function finished(b: Backend, leadId: number, timeoutMs = 60_000): Promise<Execution> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const e = await executionFor(b, leadId, timeoutMs);
		if (e.status !== 'waiting' && e.stoppedAt && e.finished !== false) return e;
		if (e.status === 'error' || e.status === 'crashed') throw new Error(`lead ${leadId}: execution ${e.id} ${e.status}: ${JSON.stringify(e.data?.resultData?.error)}`);
		if (Date.now() > deadline) throw new Error(`lead ${leadId} on ${b.name}: execution ${e.id} is still ${e.status}`);
		await sleep(500);
	}
}

const taskOut = (e: Execution) => e.data.resultData.runData['Task'].at(-1).data.main[0][0].json;
const notes = (b: Backend, leadId: number) => b.store.read((t) => t.listNotes(leadId));

beforeAll(async () => {
	instance = await startN8nWithPackage();
	backends.push(await backend('sqlite'), await backend('postgres'));
	await Promise.all(backends.map(publish));
}, START_WITH_PACKAGE_TIMEOUT_MS);

afterAll(async () => {
	for (const b of backends) await b.store.close();
	await instance?.stop();
	fs.rmSync(dir, { recursive: true, force: true });
});

/** Leads whose runs wait; each backend's four cases run side by side in one n8n. */
async function holdFour(b: Backend) {
	const owner = b.members[0];
	const leads = await b.store.transaction(async (t) => ({
		byNode: (await t.createLead({ name: 'Node Nell', owner })).id,
		byLink: (await t.createLead({ name: 'Link Lou', owner })).id,
		byCall: (await t.createLead({ name: 'Call Cal', source: 'call' })).id,
		byLimit: (await t.createLead({ name: 'Limit Liz', source: 'limit', owner })).id,
	}));
	const tasks: Record<keyof typeof leads, Task> = {
		byNode: await heldTask(b, leads.byNode),
		byLink: await heldTask(b, leads.byLink),
		byCall: await heldTask(b, leads.byCall),
		byLimit: await heldTask(b, leads.byLimit),
	};
	expect(tasks.byCall).toMatchObject({ type: 'call', assigneeId: null, holderIds: b.members, poolId: expect.any(Number) });
	expect(tasks.byNode.hold).toMatchObject({ node: 'Task', until: null, resumeUrl: expect.stringMatching(/\/webhook-waiting\/\d+\/task-id\?task=\d+&signature=/) });
	expect(tasks.byLimit.hold!.until).toBeGreaterThan(Date.now());
	for (const lead of Object.values(leads)) {
		expect((await executionFor(b, lead)).status).toBe('waiting');
		expect(await notes(b, lead)).toEqual([]);
	}
	return { leads, tasks };
}

async function closeThreeWays(b: Backend, held: Awaited<ReturnType<typeof holdFour>>) {
	const { leads, tasks } = held;
	// 1. The Lead node in another workflow completes the task and wakes the run.
	const completed = await runLeadNode(b, { resource: 'task', operation: 'complete', taskId: String(tasks.byNode.id), closedBy: { __rl: true, mode: 'id', value: String(b.members[0]) } });
	expect(completed.status).toBe('success');
	const byNode = await finished(b, leads.byNode);
	expect(byNode.status).toBe('success');
	expect(taskOut(byNode)).toMatchObject({ id: tasks.byNode.id, outcome: 'completed', status: 'done', completedBy: { id: b.members[0], name: 'Ann' }, completedAt: expect.any(String) });
	expect((await notes(b, leads.byNode)).map((n) => n.content)).toEqual([`Task ${tasks.byNode.id}: completed`]);
	// Completing it again is idempotent and wakes nothing.
	expect((await runLeadNode(b, { resource: 'task', operation: 'complete', taskId: String(tasks.byNode.id) })).status).toBe('success');

	// 2. The completion link: a page, then the run goes on; a second use shows a page, never n8n's error.
	const first = await fetch(tasks.byLink.hold!.resumeUrl!);
	expect(first.status).toBe(200);
	expect(first.headers.get('content-type')).toMatch(/text\/html/);
	expect(await first.text()).toMatch(/Task completed/);
	const byLink = await finished(b, leads.byLink);
	expect(taskOut(byLink)).toMatchObject({ outcome: 'completed', closedVia: 'link', completedBy: { id: b.members[0] } });
	expect((await notes(b, leads.byLink)).map((n) => n.content)).toEqual([`Task ${tasks.byLink.id}: completed`]);
	const again = await fetch(tasks.byLink.hold!.resumeUrl!);
	expect(again.headers.get('content-type')).toMatch(/text\/html/);
	expect(await again.text()).toMatch(/No action required/);

	// 3. A completed call logged on the lead closes the pool's call task for all three holders.
	const logged = await runLeadNode(b, { resource: 'lead', operation: 'logActivity', lead: { __rl: true, mode: 'id', value: String(leads.byCall) }, kind: 'call', direction: 'outbound', callOutcome: 'completed' });
	expect(logged.status).toBe('success');
	const byCall = await finished(b, leads.byCall);
	expect(taskOut(byCall)).toMatchObject({ outcome: 'completed', closedVia: 'call', holders: b.members.map((id) => expect.objectContaining({ id })) });
	for (const member of b.members) expect((await b.store.read((t) => t.findTasks({ assignee: member, status: 'open', leadId: leads.byCall }))).items).toEqual([]);
}

/**
 * A Send Window that opens two minutes from now (UTC, every day) holds a manual run in n8n's
 * waiting state and releases it once open; the run's output says when and why.
 */
async function sendWindowCase(b: Backend) {
	const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
	const opens = Math.ceil((Date.now() + 90_000) / 60_000) * 60_000;
	const to = new Date(opens).getUTCHours() === 23 ? '24:00' : hhmm(opens + 3_600_000);
	const wf = await instance.api.createWorkflow({
		name: `send window (${b.name})`,
		nodes: [
			node(b, 'Start', 'n8n-nodes-base.manualTrigger', {}, 0),
			node(b, 'Window', `${PKG}.sendWindow`, { windowName: 'Soon', windowTimezone: 'UTC', hours: { open: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: hhmm(opens), to }] } }, 220),
		],
		connections: { Start: { main: [[{ node: 'Window', type: 'main', index: 0 }]] } },
		settings: {},
	});
	await instance.api.runManually(wf.id, 'Start');
	const deadline = Date.now() + 30_000;
	while (!(await instance.api.listExecutions(wf.id)).some((e) => e.status === 'waiting')) {
		if (Date.now() > deadline) throw new Error('the send window did not hold the run');
		await sleep(250);
	}
	return async () => {
		// A waiting run has stoppedAt set too: wait for it to leave the waiting state. While it
		// runs again after the wait, the public API lists nothing for it: wait through that too.
		const until = Date.now() + 200_000;
		let run = (await instance.api.listExecutions(wf.id, true))[0];
		while ((run === undefined || run.status === 'waiting' || run.status === 'running' || run.status === 'new') && Date.now() < until) {
			await sleep(1000);
			run = (await instance.api.listExecutions(wf.id, true))[0];
		}
		expect(run?.status).toBe('success');
		expect(Date.parse(run.stoppedAt!)).toBeGreaterThanOrEqual(opens);
		expect(run.data.resultData.runData['Window'].at(-1).data.main[0][0].json.sendWindow).toMatchObject({
			name: 'Soon',
			open: false,
			releasedAt: new Date(opens).toISOString(),
			reason: expect.stringMatching(/outside the send window "Soon": held until it opens/),
		});
	};
}

test('held runs wait with no note, live through a restart, and go on when their task is closed (Lead node, link, logged call) or the limit passes, on both stores', async () => {
	const windowHeld = await sendWindowCase(backends[0]);
	const held = await Promise.all(backends.map(holdFour));
	await instance.n8n.restart();
	await Promise.all(backends.map((b, k) => closeThreeWays(b, held[k])));
	// 4. Optional with a 1-minute limit: nobody closes it; n8n checks waits once a minute.
	for (const [k, b] of backends.entries()) {
		const { leads, tasks } = held[k];
		const byLimit = await finished(b, leads.byLimit, 150_000);
		expect(byLimit.status).toBe('success');
		expect(taskOut(byLimit)).toMatchObject({ id: tasks.byLimit.id, outcome: 'expired', status: 'open', expiredAt: new Date(tasks.byLimit.hold!.until!).toISOString() });
		expect((await notes(b, leads.byLimit)).map((n) => n.content)).toEqual([`Task ${tasks.byLimit.id}: expired`]);
	}
	// 5. The send window let its run go once it opened (it too waited across the restart).
	await windowHeld();
});
