// The three lead triggers in a real n8n 2.41.1, installed as users install it, on an embedded
// SQLite store. Each runs an active (published) workflow, trigger → No Operation. The test
// writes through its own LeadStore on the same file: another process than n8n, so delivery
// goes through the store's catch-up poll. Each event must run its workflow exactly once, also
// across an n8n restart with a lead created while n8n was down.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DAY_MS, openLeadStore, type Lead, type LeadStore } from '../../core';
import { START_WITH_PACKAGE_TIMEOUT_MS, startN8nWithPackage, sleep, type Execution, type PackageInstance } from './harness';

jest.setTimeout(240_000);

const PKG = 'n8n-nodes-lead-management';
/** After the expected executions, this long with no more proves "once". */
const SETTLE_MS = 3_000;

let instance: PackageInstance;
let storeFile: string;
let store: LeadStore;
let credential: { id: string; name: string };
const workflows: Record<'created' | 'changed' | 'stale', string> = { created: '', changed: '', stale: '' };

const TRIGGER = { created: 'Lead Created Trigger', changed: 'Lead Status Changed Trigger', stale: 'Stale Lead Trigger' } as const;

function triggerWorkflow(name: string, triggerName: string, type: string, parameters: object) {
	return {
		name,
		nodes: [
			{ id: `${type}-id`, name: triggerName, type: `${PKG}.${type}`, typeVersion: 1, position: [0, 0], parameters, credentials: { leadStoreApi: credential } },
			{ id: 'done-id', name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, 0], parameters: {} },
		],
		connections: { [triggerName]: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
		settings: {},
	};
}

/** The trigger's output item of an execution. */
const outputOf = (execution: Execution, triggerName: string) => execution.data.resultData.runData[triggerName][0].data.main[0][0].json;
/**
 * The leads of the executions, in event order. The trigger emits in event order, but n8n numbers
 * executions as it saves them, concurrently, so two emits a millisecond apart may swap ids.
 */
function leadNames(executions: Execution[], triggerName: string): string[] {
	const outputs = executions.map((e) => outputOf(e, triggerName));
	const eventIds = outputs.map((o) => String(o.event.id));
	expect(new Set(eventIds).size).toBe(eventIds.length); // each event once
	return outputs.sort((a, b) => (typeof a.event.id === 'number' ? a.event.id - b.event.id : 0)).map((o) => o.lead.name);
}

/** Waits for `count` finished executions, then SETTLE_MS more, and returns them all (there must be exactly `count`). */
async function exactly(workflowId: string, count: number, timeoutMs = 30_000): Promise<Execution[]> {
	try {
		await instance.api.waitForExecutions(workflowId, count, timeoutMs);
	} catch (error) {
		const subscriptions = await store.driver.transaction((s) => s.all('SELECT * FROM subscriptions'));
		const events = await store.driver.transaction((s) => s.all('SELECT id, type, lead_id FROM events ORDER BY id'));
		throw new Error(
			`${(error as Error).message}\nsubscriptions: ${JSON.stringify(subscriptions)}\nevents: ${JSON.stringify(events)}\n` +
				`workflow active: ${(await instance.api.getWorkflow(workflowId)).active}\nn8n log tail:\n${instance.n8n.logText().split('\n').slice(-40).join('\n')}`,
		);
	}
	await sleep(SETTLE_MS);
	const all = await instance.api.listExecutions(workflowId, true);
	expect(all.map((e) => `${e.id}:${e.mode}:${e.status}`)).toEqual(all.map((e) => `${e.id}:trigger:success`));
	expect(all).toHaveLength(count);
	return all;
}

/**
 * Publishes the workflow and waits until its trigger runs. n8n 2.41 applies a publication
 * asynchronously (its workflow-publication outbox): the API answers "active" some 100 ms before
 * trigger() has run, and "from now" is from then. The trigger's subscription row appearing in the
 * store is the moment it started.
 */
async function publish(workflowId: string, nodeId: string, timeoutMs = 30_000) {
	await instance.api.activate(workflowId);
	const deadline = Date.now() + timeoutMs;
	const running = () =>
		store.driver.transaction((s) => s.get('SELECT id FROM subscriptions WHERE workflow_id = $1 AND node_id = $2', [workflowId, nodeId]));
	while (!(await running())) {
		if (Date.now() > deadline) throw new Error(`the trigger of workflow ${workflowId} did not start within ${timeoutMs} ms`);
		await sleep(50);
	}
}

const create = (name: string, fields: Record<string, unknown> = {}) => store.transaction((t) => t.createLead({ name, ...fields }));
const moveTo = (lead: Lead, stage: string) => store.transaction((t) => t.changeStage(lead.id, stage));
const stageId = async (name: string) => String((await store.read((t) => t.listStages())).find((s) => s.name === name)!.id);

beforeAll(async () => {
	instance = await startN8nWithPackage();
	storeFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lead-e2e-triggers-')), 'leads.sqlite');
	store = await openLeadStore({ backend: 'sqlite', file: storeFile });
	credential = await instance.api.createCredential('leadStoreApi', 'Leads (trigger e2e)', { backend: 'sqlite', file: storeFile });
}, START_WITH_PACKAGE_TIMEOUT_MS);

afterAll(async () => {
	await store?.close();
	await instance?.stop();
	if (storeFile) fs.rmSync(path.dirname(storeFile), { recursive: true, force: true });
}, 60_000);

test('Lead Created Trigger: a published workflow runs once per new lead, and not for leads from before', async () => {
	await create('Before publishing');
	const workflow = await instance.api.createWorkflow(triggerWorkflow('lead created', TRIGGER.created, 'leadCreatedTrigger', {}));
	workflows.created = workflow.id;
	await publish(workflow.id, 'leadCreatedTrigger-id');
	const committedAt = Date.now();
	const ada = await create('Ada', { source: 'Web', email: 'ada@example.com' });
	const [first] = await exactly(workflow.id, 1);
	const out = outputOf(first, TRIGGER.created);
	expect(out).toMatchObject({
		lead: { id: ada.id, name: 'Ada', email: 'ada@example.com', source: 'Web', stage: { name: 'New', kind: 'open' } },
		event: { type: 'lead.created', causationDepth: 0 },
	});
	expect(first.data.resultData.runData.Done[0].data.main[0][0].json.lead.id).toBe(ada.id);
	console.log(`lead created: commit → execution start ${Date.parse(first.startedAt) - committedAt} ms (another process: SQLite catch-up poll)`);

	await create('Bo');
	await create('Cy');
	expect(leadNames(await exactly(workflow.id, 3), TRIGGER.created)).toEqual(['Ada', 'Bo', 'Cy']);
});

test('Lead Status Changed Trigger (to Qualified): runs once per move to Qualified, not for other moves', async () => {
	const workflow = await instance.api.createWorkflow(
		triggerWorkflow('lead qualified', TRIGGER.changed, 'leadStatusChangedTrigger', { toStages: [await stageId('Qualified')] }),
	);
	workflows.changed = workflow.id;
	await publish(workflow.id, 'leadStatusChangedTrigger-id');
	const sam = await create('Sam');
	await moveTo(sam, 'Contacted');
	await moveTo(sam, 'Qualified');
	const [execution] = await exactly(workflow.id, 1);
	expect(outputOf(execution, TRIGGER.changed)).toMatchObject({
		lead: { id: sam.id, name: 'Sam', stage: { name: 'Qualified' } },
		event: { type: 'lead.stage_changed', causationDepth: 0 },
		previousStage: { name: 'Contacted', kind: 'open' },
		newStage: { name: 'Qualified', kind: 'open' },
		changedBy: { kind: 'system' },
	});
});

test('Stale Lead Trigger (≥ 3 days, New): runs once for a lead inactive for 4 days, not for fresh ones', async () => {
	const old = await create('Gone quiet');
	// Ages the lead: its last activity 4 days back, written straight into the store's table.
	await store.driver.transaction((s) => s.run('UPDATE leads SET last_activity_at = $1 WHERE id = $2', [Date.now() - 4 * DAY_MS - 60_000, old.id]));
	await create('Fresh');
	const workflow = await instance.api.createWorkflow(
		triggerWorkflow('stale leads', TRIGGER.stale, 'staleLeadTrigger', {
			inactivePeriod: 'gte',
			minDays: 3,
			stages: [await stageId('New')],
			checkEveryMinutes: 1,
		}),
	);
	workflows.stale = workflow.id;
	await publish(workflow.id, 'staleLeadTrigger-id'); // the first check runs at publishing
	const [execution] = await exactly(workflow.id, 1);
	expect(outputOf(execution, TRIGGER.stale)).toMatchObject({
		lead: { id: old.id, name: 'Gone quiet', stage: { name: 'New' } },
		event: { type: 'lead.stale', id: `stale:${old.id}:1`, causationDepth: 0 },
		daysInactive: 4,
		lastActivityKind: 'created',
	});
});

test('an n8n restart loses and repeats nothing: what happened while n8n was down runs once when it is back', async () => {
	expect(workflows.created && workflows.changed && workflows.stale).toBeTruthy();
	await instance.n8n.stop();
	const dee = await create('While down');
	await moveTo(dee, 'Qualified');
	await instance.n8n.restart(); // activation mode `init`: the triggers resume from their cursors

	// Every lead created so far since publishing (the other tests' leads too), each once, in order.
	const before = ['Ada', 'Bo', 'Cy', 'Sam', 'Gone quiet', 'Fresh'];
	const created = await exactly(workflows.created, 7, 60_000);
	expect(leadNames(created, TRIGGER.created)).toEqual([...before, 'While down']);
	const changed = await exactly(workflows.changed, 2, 60_000);
	expect(leadNames(changed, TRIGGER.changed)).toEqual(['Sam', 'While down']);
	// The stale lead fired before the restart; the check at start-up must not fire it again.
	expect(await instance.api.listExecutions(workflows.stale)).toHaveLength(1);

	// Delivery still runs after the restart.
	await create('After restart');
	expect(leadNames(await exactly(workflows.created, 8), TRIGGER.created)).toEqual([...before, 'While down', 'After restart']);
	expect(instance.n8n.logText()).not.toMatch(/Delivering .* failed/);
});

test("the editor's test run returns the latest matching event as a sample and moves no cursor", async () => {
	const workflow = await instance.api.createWorkflow(
		triggerWorkflow('qualified (test run)', TRIGGER.changed, 'leadStatusChangedTrigger', { toStages: [await stageId('Qualified')] }),
	);
	const cursors = () => store.driver.transaction((s) => s.all('SELECT workflow_id, node_id, cursor FROM subscriptions ORDER BY id'));
	const before = await cursors();
	const started = await instance.api.runManually(workflow.id, TRIGGER.changed);
	expect(started.executionId).toBeTruthy();
	const [execution] = await instance.api.waitForExecutions(workflow.id, 1, 30_000);
	expect(execution).toMatchObject({ mode: 'manual', status: 'success' });
	expect(outputOf(execution, TRIGGER.changed)).toMatchObject({ lead: { name: 'While down' }, newStage: { name: 'Qualified' } });
	expect(await cursors()).toEqual(before); // no subscription opened, none moved
});

/** n8n 2.41 applies a publication in the background and retries a failing trigger 5 times (about 15 s). */
async function publicationOutcome(workflowId: string, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const status = await instance.api.rest('GET', `/rest/workflows/${workflowId}/publication-status`);
		if (status.status !== 'in_progress' || Date.now() > deadline) return status;
		await sleep(500);
	}
}

test('publishing fails with a clear activation error when the store cannot be opened, or a Won stage is watched', async () => {
	const blocker = path.join(path.dirname(storeFile), 'a-file');
	fs.writeFileSync(blocker, 'not a folder');
	const broken = await instance.api.createCredential('leadStoreApi', 'Leads (broken)', { backend: 'sqlite', file: path.join(blocker, 'leads.sqlite') });
	const brokenStore = triggerWorkflow('broken store', TRIGGER.created, 'leadCreatedTrigger', {});
	brokenStore.nodes[0].credentials = { leadStoreApi: broken };
	const unreachable = await instance.api.createWorkflow(brokenStore);
	const wonStage = await instance.api.createWorkflow(
		triggerWorkflow('stale won', TRIGGER.stale, 'staleLeadTrigger', { inactivePeriod: 'gte', minDays: 3, stages: '={{ "New, Won" }}' }),
	);
	await Promise.all([instance.api.activate(unreachable.id), instance.api.activate(wonStage.id)]);
	const [storeOutcome, wonOutcome] = await Promise.all([publicationOutcome(unreachable.id), publicationOutcome(wonStage.id)]);
	expect(storeOutcome).toMatchObject({ status: 'failed', triggers: [{ status: 'failed' }] });
	expect(storeOutcome.triggers[0].errorMessage).toContain(`Cannot reach the lead store: Cannot open the SQLite lead store at ${path.join(blocker, 'leads.sqlite')}`);
	expect(wonOutcome).toMatchObject({ status: 'failed', triggers: [{ status: 'failed' }] });
	expect(wonOutcome.triggers[0].errorMessage).toContain('Invalid trigger setting: stages: "Won" is a won stage; a stale-lead trigger watches open stages only');
	expect(await instance.api.listExecutions(unreachable.id)).toEqual([]);
	expect(await instance.api.listExecutions(wonStage.id)).toEqual([]);
});
