/**
 * The three trigger nodes through their real trigger() on a real store (both backends), with a
 * stand-in for n8n's trigger context (test/support/triggerHarness.ts). Writes come from the
 * test's own LeadStore on the same database, as another n8n node or process would make them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeOperationError, type IDataObject, type ILoadOptionsFunctions, type INodeType } from 'n8n-workflow';
import { DAY_MS, type LeadStore, type StoreConfig, type WriteContext } from '../../core';
import { LeadCreatedTrigger } from '../../nodes/LeadCreatedTrigger/LeadCreatedTrigger.node';
import { LeadStatusChangedTrigger } from '../../nodes/LeadStatusChangedTrigger/LeadStatusChangedTrigger.node';
import { StaleLeadTrigger } from '../../nodes/StaleLeadTrigger/StaleLeadTrigger.node';
import { closeAllStores } from '../../nodes/shared/storeFromCredential';
import { forEachBackend } from '../support/backends';
import { sleep } from '../support/delivery';
import { credentialsFor } from '../support/nodeHarness';
import { ExecutionsStandIn, runManual, startTrigger, type RunningTrigger, type TriggerOptions } from '../support/triggerHarness';

jest.setTimeout(30_000);

const created = new LeadCreatedTrigger();
const statusChanged = new LeadStatusChangedTrigger();
const stale = new StaleLeadTrigger();

/** Long enough for a stray duplicate to show up: the SQLite poll is 200 ms, PostgreSQL's 1 s (NOTIFY wakes it at once). */
const SETTLE_MS = 400;

const names = (items: IDataObject[]) => items.map((j) => (j.lead as IDataObject).name);
const condition = (field: string, operator: string, value?: string, customField?: string) => ({ field, operator, value, customField });

forEachBackend((backend) => {
	const running: RunningTrigger[] = [];
	const track = (t: RunningTrigger) => (running.push(t), t);
	afterEach(async () => {
		await Promise.all(running.splice(0).map((t) => t.close()));
		await closeAllStores();
	});

	async function setup() {
		const config: StoreConfig = backend().freshConfig();
		const store: LeadStore = await backend().open(undefined, config);
		const credentials = credentialsFor(config);
		const create = (name: string, fields: Record<string, unknown> = {}, context?: WriteContext) =>
			store.transaction((t) => t.createLead({ name, ...fields }, context));
		const stageId = async (name: string) => String((await store.read((t) => t.listStages())).find((s) => s.name === name)!.id);
		const cursorOf = async (workflowId: string, nodeId: string) => (await store.read((t) => t.findSubscription(workflowId, nodeId)))?.cursor ?? null;
		const latestEventId = () => store.read((t) => t.latestEventId());
		/** Writes the lead's last activity into the past, as the e2e test does (SQL, not an API). */
		const age = (leadId: number, days: number) =>
			store.driver.transaction((s) => s.run('UPDATE leads SET last_activity_at = $1 WHERE id = $2', [Date.now() - days * DAY_MS - 60_000, leadId]));
		const start = async (node: INodeType, options: Omit<TriggerOptions, 'credentials'>) => track(await startTrigger(node, { credentials, ...options }));
		return { store, config, credentials, create, stageId, cursorOf, latestEventId, age, start };
	}

	describe('Lead Created Trigger', () => {
		it('a first activation does not replay history; new leads come in order, one emit each, exactly once', async () => {
			const { create, start } = await setup();
			await create('old 1');
			await create('old 2');
			const t = await start(created, { mode: 'activate' });
			for (let i = 0; i < 10; i++) await create(`new ${i}`);
			await t.until(10);
			await sleep(SETTLE_MS);
			expect(names(t.emitted)).toEqual(Array.from({ length: 10 }, (_, i) => `new ${i}`));
			expect(t.emits.every((e) => e.length === 1 && e[0].length === 1)).toBe(true); // one execution per lead
			const ids = t.emitted.map((j) => (j.event as IDataObject).id as number);
			expect(ids).toEqual([...ids].sort((a, b) => a - b));
			expect(new Set(ids).size).toBe(10);
			expect(t.emitErrors).toEqual([]);
			expect(t.failedExecutions).toEqual([]);
		});

		it('hands over the lead and the event where the action nodes read them ($json.lead.id, $json.event.causationDepth), times as ISO text', async () => {
			const { store, create, start } = await setup();
			const owner = await store.transaction((t) => t.createMember({ name: 'Ana', email: 'ana@example.com' }));
			const t = await start(created, { mode: 'activate' });
			const lead = await create('Jo', { email: 'jo@example.com', source: 'Web', owner: owner.id, custom: { budget: 5 } }, {
				actor: { kind: 'import', name: 'csv' },
				causationDepth: 2,
			});
			await t.until(1);
			const [json] = t.emitted;
			expect(json).toEqual({
				lead: expect.objectContaining({
					id: lead.id,
					name: 'Jo',
					email: 'jo@example.com',
					source: 'Web',
					custom: { budget: 5 },
					stage: { id: lead.stage.id, name: 'New', kind: 'open', position: 1 },
					owner: expect.objectContaining({ id: owner.id, name: 'Ana', email: 'ana@example.com' }),
					createdAt: new Date(lead.createdAt).toISOString(),
					lastActivityAt: new Date(lead.lastActivityAt).toISOString(),
				}),
				event: {
					id: expect.any(Number),
					type: 'lead.created',
					occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
					causationDepth: 2,
					actor: { kind: 'import', name: 'csv' },
				},
			});
			expect(Math.abs(Date.parse((json.event as IDataObject).occurredAt as string) - lead.createdAt)).toBeLessThan(1_000);
		});

		it('close and re-open (restart: init; a save: update) loses and duplicates nothing', async () => {
			const { create, start } = await setup();
			const ids = { workflowId: 'wf-restart', nodeId: 'node-restart' };
			const executions = new ExecutionsStandIn(); // n8n's executions outlive the restarts
			const first = await start(created, { ...ids, mode: 'activate', executions });
			for (let i = 0; i < 3; i++) await create(`a${i}`);
			await first.until(3);
			await first.close();
			for (let i = 0; i < 3; i++) await create(`b${i}`); // while n8n is down
			const second = await start(created, { ...ids, mode: 'init', executions });
			for (let i = 0; i < 2; i++) await create(`c${i}`);
			await second.until(5);
			await second.close();
			await create('d0'); // while the saved workflow's trigger restarts
			const third = await start(created, { ...ids, mode: 'update', executions });
			await third.until(1);
			await sleep(SETTLE_MS);
			expect([...names(first.emitted), ...names(second.emitted), ...names(third.emitted)]).toEqual(['a0', 'a1', 'a2', 'b0', 'b1', 'b2', 'c0', 'c1', 'd0']);
		});

		it('hands each lead to n8n under its delivery key with a done promise; the cursor passes a lead only once its run ended', async () => {
			const { create, start, cursorOf, latestEventId } = await setup();
			const ids = { workflowId: 'wf-keys', nodeId: 'node-keys' };
			const executions = new ExecutionsStandIn();
			executions.hold();
			const t = await start(created, { ...ids, mode: 'activate', executions });
			const before = await cursorOf(ids.workflowId, ids.nodeId);
			for (let i = 0; i < 3; i++) await create(`k${i}`);
			await t.until(3);
			expect(t.keys).toHaveLength(3);
			for (const [i, key] of t.keys.entries()) {
				expect(key).toMatch(new RegExp(`^lead:wf-keys:node-keys:\\d+:${(t.emitted[i].event as IDataObject).id}$`));
			}
			await sleep(SETTLE_MS);
			// Three runs in progress: a restart must resume before the first of them.
			expect((await cursorOf(ids.workflowId, ids.nodeId))!.id).toBeLessThan(Number((t.emitted[0].event as IDataObject).id));
			expect((await cursorOf(ids.workflowId, ids.nodeId))!.id).toBeGreaterThanOrEqual(before!.id);
			executions.finish();
			await sleep(SETTLE_MS);
			expect((await cursorOf(ids.workflowId, ids.nodeId))!.id).toBe(await latestEventId());
		});

		it('after a crash with runs in progress, a restart hands everything after the cursor over again under the same keys: n8n refuses those it stored, every lead runs once', async () => {
			const { create, start, cursorOf, latestEventId } = await setup();
			const ids = { workflowId: 'wf-crash', nodeId: 'node-crash' };
			const executions = new ExecutionsStandIn(); // n8n's database, which outlives the process
			const first = await start(created, { ...ids, mode: 'activate', executions });
			await create('ran');
			await first.until(1);
			await sleep(SETTLE_MS);
			executions.hold();
			for (const name of ['stored, run cut short', 'emitted, never stored', 'emitted, never stored 2']) await create(name);
			await first.until(4);
			await first.close(); // the process dies here; n8n had stored only the first of the three
			executions.keys.delete(first.keys[2]);
			executions.keys.delete(first.keys[3]);
			executions.finish();
			await create('while down');
			const second = await start(created, { ...ids, mode: 'init', executions });
			await second.until(3);
			await create('after the restart');
			await second.until(4);
			await sleep(SETTLE_MS);
			expect(executions.refused).toBe(1);
			expect(second.keys.slice(0, 3)).toEqual(first.keys.slice(1, 4));
			expect(names(second.emitted)).toEqual(['emitted, never stored', 'emitted, never stored 2', 'while down', 'after the restart']);
			expect((await cursorOf(ids.workflowId, ids.nodeId))!.id).toBe(await latestEventId());
		});

		it('publishing again after being unpublished starts from now: leads of the unpublished time do not run it', async () => {
			const { create, start } = await setup();
			const ids = { workflowId: 'wf-republish', nodeId: 'node-republish' };
			const first = await start(created, { ...ids, mode: 'activate' });
			await first.close();
			await create('while unpublished');
			const again = await start(created, { ...ids, mode: 'activate' });
			await create('after publishing');
			await again.until(1);
			await sleep(SETTLE_MS);
			expect(names(again.emitted)).toEqual(['after publishing']);
		});

		it('applies the audience filter (AND with an OR group) in the store', async () => {
			const { store, create, start } = await setup();
			await store.transaction((t) => t.createMember({ name: 'Ana', email: 'ana@example.com' }));
			const t = await start(created, {
				mode: 'activate',
				params: {
					filterLeads: true,
					filterCombinator: 'and',
					filterConditions: { condition: [condition('source', 'is_one_of', 'Facebook, google')] },
					filterGroups: { group: [{ combinator: 'or', conditions: { condition: [condition('priority', 'equals', 'High'), condition('owner', 'is_empty')] } }] },
				},
			});
			await create('A', { source: 'Facebook', priority: 'high', owner: 'ana@example.com' }); // source + priority
			await create('B', { source: 'Google', priority: 'low' }); // source + no owner
			await create('C', { source: 'facebook', priority: 'low', owner: 'ana@example.com' }); // group fails
			await create('D', { source: 'Web', priority: 'high' }); // source fails
			await create('E', { source: 'Google' }); // no owner
			await t.until(3);
			await sleep(SETTLE_MS);
			expect(names(t.emitted)).toEqual(['A', 'B', 'E']);
		});

		it('a custom field condition with OR at the top level', async () => {
			const { create, start } = await setup();
			const t = await start(created, {
				mode: 'activate',
				params: {
					filterLeads: true,
					filterCombinator: 'or',
					filterConditions: { condition: [condition('custom', 'equals', '5', 'budget'), condition('email', 'contains', '@ACME.')] },
				},
			});
			await create('budget 5', { custom: { budget: 5 } });
			await create('budget 6', { custom: { budget: 6 } });
			await create('acme', { email: 'x@acme.com' });
			await create('neither', { email: 'x@example.com' });
			await t.until(2);
			await sleep(SETTLE_MS);
			expect(names(t.emitted)).toEqual(['budget 5', 'acme']);
		});

		it('a failed delivery goes to n8n as a failed execution (the trigger stays active), is retried and delivered once', async () => {
			const { create, start } = await setup();
			const t = await start(created, { mode: 'activate' });
			t.failNextEmits(1);
			await create('retry me');
			await t.until(1, 10_000);
			await sleep(SETTLE_MS);
			expect(names(t.emitted)).toEqual(['retry me']);
			expect(t.failedExecutions).toHaveLength(1);
			expect(t.failedExecutions[0]).toBeInstanceOf(NodeOperationError);
			expect(t.failedExecutions[0].message).toMatch(/^Delivering new leads failed \(attempt 1; retrying in 1 s, nothing is skipped\): the run could not start/);
			expect(t.emitErrors).toEqual([]); // emitError would deactivate the workflow
		});

		it('a filter switched on without conditions is an activation error, not "every lead"', async () => {
			const { start } = await setup();
			await expect(start(created, { mode: 'activate', params: { filterLeads: true } })).rejects.toThrow(
				/^Invalid trigger setting: Filter Leads is on but has no conditions/,
			);
		});

		it('an unknown stage in a filter condition fails activation naming it', async () => {
			const { start } = await setup();
			await expect(
				start(created, { mode: 'activate', params: { filterLeads: true, filterConditions: { condition: [condition('stage', 'equals', 'Nope')] } } }),
			).rejects.toThrow(/Invalid trigger setting: .*Nope/);
		});
	});

	describe('manual mode (the editor test run)', () => {
		it('returns the latest matching lead as a real sample and never moves the cursor', async () => {
			const { credentials, create, start, cursorOf } = await setup();
			const ids = { workflowId: 'wf-manual', nodeId: 'node-manual' };
			const published = await start(created, { ...ids, mode: 'activate' });
			await published.close();
			const cursor = await cursorOf(ids.workflowId, ids.nodeId);
			await create('Ann', { source: 'Web' });
			await create('Bob', { source: 'Facebook' });
			await create('Cat', { source: 'Web' });
			const manual = await runManual(created, {
				credentials,
				...ids,
				params: { filterLeads: true, filterConditions: { condition: [condition('source', 'equals', 'facebook')] } },
			});
			const data = await manual.result;
			expect(data).toHaveLength(1);
			expect(data![0]).toHaveLength(1);
			expect(data![0][0].json).toMatchObject({ lead: { name: 'Bob', source: 'Facebook' }, event: { type: 'lead.created', causationDepth: 0 } });
			expect(await cursorOf(ids.workflowId, ids.nodeId)).toEqual(cursor);
			// The published trigger, back after a restart, still gets everything the test run looked at.
			const resumed = await start(created, { ...ids, mode: 'init' });
			await resumed.until(3);
			await sleep(SETTLE_MS);
			expect(names(resumed.emitted)).toEqual(['Ann', 'Bob', 'Cat']);
		});

		it('with nothing matching yet, waits for the next match; it opens no subscription', async () => {
			const { credentials, create, cursorOf } = await setup();
			await create('old', { source: 'Web' });
			const ids = { workflowId: 'wf-manual-wait', nodeId: 'node-manual-wait' };
			const manual = await runManual(created, {
				credentials,
				...ids,
				params: { filterLeads: true, filterConditions: { condition: [condition('source', 'equals', 'Referral')] } },
			});
			await sleep(100);
			await create('not yet', { source: 'Web' });
			await create('this one', { source: 'Referral' });
			const data = await manual.result;
			expect((data![0][0].json.lead as IDataObject).name).toBe('this one');
			expect(await cursorOf(ids.workflowId, ids.nodeId)).toBeNull();
		});

		it('stopping the test run ends the wait (closeFunction) with no data', async () => {
			const { credentials } = await setup();
			const manual = await runManual(statusChanged, { credentials, params: { toStages: ['any'] } });
			await sleep(50);
			await manual.stop();
			await expect(manual.result).resolves.toBeNull();
		});

		it('Lead Status Changed and Stale Lead give a real sample too', async () => {
			const { store, credentials, create, stageId, age, cursorOf } = await setup();
			const jo = await create('Jo');
			await store.transaction((t) => t.changeStage(jo.id, 'Qualified'));
			const changed = await runManual(statusChanged, { credentials, params: { toStages: [await stageId('Qualified')] } });
			expect((await changed.result)![0][0].json).toMatchObject({
				lead: { id: jo.id },
				previousStage: { name: 'New' },
				newStage: { name: 'Qualified', kind: 'open' },
			});
			const ann = await create('Ann');
			await age(ann.id, 5);
			const ids = { workflowId: 'wf-stale-manual', nodeId: 'node-stale-manual' };
			const staleRun = await runManual(stale, { credentials, ...ids, params: { minDays: 3, stages: [await stageId('New')] } });
			expect((await staleRun.result)![0][0].json).toMatchObject({ lead: { id: ann.id }, daysInactive: 5, event: { type: 'lead.stale' } });
			// Not marked: the published trigger still fires for this episode.
			expect(await cursorOf(ids.workflowId, ids.nodeId)).toBeNull();
			const t = track(await startTrigger(stale, { credentials, ...ids, mode: 'activate', params: { minDays: 3, stages: [await stageId('New')] } }));
			await t.until(1);
			expect(names(t.emitted)).toEqual(['Ann']);
		});

		it('a refused setting fails the test run with the clear error', async () => {
			const { credentials } = await setup();
			const manual = await runManual(stale, { credentials, params: { minDays: 3, stages: ['Won'] } });
			await expect(manual.result).rejects.toThrow(/^Invalid trigger setting: stages: "Won" is a won stage/);
		});
	});

	describe('Lead Status Changed Trigger', () => {
		it('runs for moves to the chosen stage only, with previous and new stage, when and who', async () => {
			const { store, create, stageId, start } = await setup();
			const t = await start(statusChanged, { mode: 'activate', params: { toStages: [await stageId('Qualified')] } });
			const jo = await create('Jo');
			await store.transaction((s) => s.changeStage(jo.id, 'Contacted'));
			await store.transaction((s) => s.changeStage(jo.id, 'Qualified', {}, { actor: { kind: 'person', name: 'Sam' }, causationDepth: 1 }));
			await store.transaction((s) => s.changeStage(jo.id, 'Won'));
			await t.until(1);
			await sleep(SETTLE_MS);
			expect(t.emitted).toHaveLength(1);
			const [json] = t.emitted;
			const event = json.event as IDataObject;
			expect(json).toMatchObject({
				lead: { id: jo.id, name: 'Jo' },
				event: { type: 'lead.stage_changed', causationDepth: 1, actor: { kind: 'person', name: 'Sam' } },
				previousStage: { name: 'Contacted', kind: 'open' },
				newStage: { name: 'Qualified', kind: 'open' },
				changedBy: { kind: 'person', name: 'Sam' },
			});
			expect(json.changedAt).toBe(event.occurredAt);
			expect(typeof json.changedAt).toBe('string');
			expect(new Date(json.changedAt as string).toISOString()).toBe(json.changedAt);
		});

		it('Any Stage (the default) with a from-stage and the filter', async () => {
			const { store, create, stageId, start } = await setup();
			const t = await start(statusChanged, {
				mode: 'activate',
				params: {
					fromStages: [await stageId('New')],
					filterLeads: true,
					filterConditions: { condition: [condition('source', 'not_equals', 'Spam')] },
				},
			});
			const a = await create('A');
			const b = await create('B', { source: 'spam' });
			await store.transaction((s) => s.changeStage(a.id, 'Contacted')); // New → Contacted: yes
			await store.transaction((s) => s.changeStage(b.id, 'Contacted')); // filtered out
			await store.transaction((s) => s.changeStage(a.id, 'Qualified')); // from Contacted: no
			const c = await create('C');
			await store.transaction((s) => s.changeStage(c.id, 'Lost')); // New → Lost: yes
			await t.until(2);
			await sleep(SETTLE_MS);
			expect(t.emitted.map((j) => `${(j.lead as IDataObject).name}:${(j.newStage as IDataObject).name}`)).toEqual(['A:Contacted', 'C:Lost']);
		});

		it('stages can be named in an expression (comma-separated names)', async () => {
			const { store, create, start } = await setup();
			const t = await start(statusChanged, { mode: 'activate', params: { toStages: 'Qualified, Won' } });
			const jo = await create('Jo');
			await store.transaction((s) => s.changeStage(jo.id, 'Contacted'));
			await store.transaction((s) => s.changeStage(jo.id, 'Won'));
			await t.until(1);
			await sleep(SETTLE_MS);
			expect(t.emitted.map((j) => (j.newStage as IDataObject).name)).toEqual(['Won']);
		});

		it('an unknown stage or no stage fails activation clearly', async () => {
			const { start } = await setup();
			await expect(start(statusChanged, { mode: 'activate', params: { toStages: ['9999'] } })).rejects.toThrow(/^Invalid trigger setting: .*9999/);
			await expect(start(statusChanged, { mode: 'activate', params: { toStages: [] } })).rejects.toThrow(/choose at least one stage, or Any/);
		});
	});

	describe('Stale Lead Trigger', () => {
		const every = 0.002; // minutes: scans every 120 ms (the editor allows 1 minute or more; an expression may go lower)

		it('fires once per lead and episode: at publishing, not again on later scans or a restart, again after new activity', async () => {
			const { store, create, stageId, age, start } = await setup();
			const jo = await create('Jo');
			await age(jo.id, 4);
			await create('Fresh');
			const contacted = await create('Elsewhere', { stage: 'Contacted' });
			await age(contacted.id, 9); // a stage not watched
			const ids = { workflowId: 'wf-stale', nodeId: 'node-stale' };
			const params = { inactivePeriod: 'gte', minDays: 3, stages: [await stageId('New')], checkEveryMinutes: every };
			const executions = new ExecutionsStandIn();
			const first = await start(stale, { ...ids, mode: 'activate', params, executions });
			await first.until(1);
			await sleep(SETTLE_MS); // several scans
			expect(first.emitted).toHaveLength(1);
			expect(first.emitted[0]).toMatchObject({
				lead: { id: jo.id, name: 'Jo', stage: { name: 'New' } },
				event: { id: `stale:${jo.id}:1`, type: 'lead.stale', causationDepth: 0 },
				daysInactive: 4,
				lastActivityKind: 'created',
				episode: 1,
			});
			for (const key of ['lastActivityAt', 'staleSince', 'checkedAt']) expect(typeof first.emitted[0][key]).toBe('string');
			await first.close();

			const second = await start(stale, { ...ids, mode: 'init', params, executions });
			await sleep(SETTLE_MS);
			expect(second.emitted).toEqual([]);
			await store.transaction((t) => t.logActivity(jo.id, { kind: 'call' })); // a new episode
			await age(jo.id, 3);
			await second.until(1);
			await sleep(SETTLE_MS);
			expect(second.emitted).toHaveLength(1);
			expect(second.emitted[0]).toMatchObject({ lead: { id: jo.id }, daysInactive: 3, lastActivityKind: 'call', episode: 2 });
		});

		it('marks a fire only once its run ended: a restart with runs in progress fires them again under the same keys, and n8n refuses those it stored', async () => {
			const { create, stageId, age, start } = await setup();
			const leads = [];
			for (let i = 0; i < 4; i++) {
				const lead = await create(`S${i}`);
				await age(lead.id, 5);
				leads.push(lead);
			}
			const ids = { workflowId: 'wf-stale-crash', nodeId: 'node-stale-crash' };
			const params = { inactivePeriod: 'gte', minDays: 3, stages: [await stageId('New')], checkEveryMinutes: every };
			const executions = new ExecutionsStandIn();
			executions.hold();
			const first = await start(stale, { ...ids, mode: 'activate', params, executions });
			await first.until(4);
			await sleep(SETTLE_MS); // later scans do not hand the fires in progress over again
			expect(first.keys).toHaveLength(4);
			expect(first.keys[0]).toMatch(new RegExp(`^stale:wf-stale-crash:node-stale-crash:\\d+:${leads[0].id}:1$`));
			executions.finish(1); // S0's run ended: marked
			await sleep(SETTLE_MS);
			await first.close(); // the crash: S1's run was stored (n8n marks it crashed), S2 and S3 never reached n8n
			executions.keys.delete(first.keys[2]);
			executions.keys.delete(first.keys[3]);
			executions.finish();
			const second = await start(stale, { ...ids, mode: 'init', params, executions });
			await second.until(2);
			await sleep(SETTLE_MS);
			expect(second.keys.sort()).toEqual(first.keys.slice(1).sort());
			expect(executions.refused).toBe(1);
			expect(names(second.emitted).sort()).toEqual(['S2', 'S3']);
			const third = await start(stale, { ...ids, mode: 'init', params, executions });
			await sleep(SETTLE_MS);
			expect(third.keys).toEqual([]); // every episode marked now
		});

		it('between N and M, with the filter and "only leads becoming stale after publishing"', async () => {
			const { create, stageId, age, start } = await setup();
			const inRange = await create('in range', { source: 'Web' });
			await age(inRange.id, 4);
			const tooOld = await create('too old', { source: 'Web' });
			await age(tooOld.id, 8);
			const filtered = await create('filtered', { source: 'Spam' });
			await age(filtered.id, 4);
			const params = {
				inactivePeriod: 'between',
				minDays: 3,
				maxDays: 5,
				stages: [await stageId('New'), await stageId('Contacted')],
				checkEveryMinutes: every,
				filterLeads: true,
				filterConditions: { condition: [condition('source', 'equals', 'web')] },
			};
			const t = await start(stale, { mode: 'activate', params });
			await t.until(1);
			await sleep(SETTLE_MS);
			expect(names(t.emitted)).toEqual(['in range']);

			const onlyNew = await start(stale, { mode: 'activate', nodeId: 'only-new', params: { ...params, options: { onlyBecomingStaleAfterActivation: true } } });
			await sleep(SETTLE_MS);
			expect(onlyNew.emitted).toEqual([]); // "in range" was stale before publishing
		});

		it('offers open stages only (Won and Lost are never listed)', async () => {
			const { store, credentials } = await setup();
			const context = { getCredentials: async () => credentials } as unknown as ILoadOptionsFunctions;
			const options = await stale.methods.loadOptions.getOpenStages.call(context);
			const stages = await store.read((t) => t.listStages());
			expect(options.map((o) => o.name)).toEqual(['New', 'Contacted', 'Qualified', 'Unresponsive']);
			expect(options.map((o) => o.value)).toEqual(stages.filter((s) => s.kind === 'open').map((s) => String(s.id)));
		});

		it('refuses Won and Lost by name, by id and by expression, and no stage at all, at activation', async () => {
			const { stageId, start } = await setup();
			const base = { inactivePeriod: 'gte', minDays: 3 };
			await expect(start(stale, { mode: 'activate', params: { ...base, stages: ['Won'] } })).rejects.toThrow(
				'Invalid trigger setting: stages: "Won" is a won stage; a stale-lead trigger watches open stages only',
			);
			await expect(start(stale, { mode: 'activate', params: { ...base, stages: [await stageId('New'), await stageId('Lost')] } })).rejects.toThrow(
				/"Lost" is a lost stage/,
			);
			await expect(start(stale, { mode: 'init', params: { ...base, stages: 'New, Won' } })).rejects.toThrow(/"Won" is a won stage/);
			await expect(start(stale, { mode: 'activate', params: { ...base, stages: [] } })).rejects.toThrow(/choose at least one stage/);
			await expect(start(stale, { mode: 'activate', params: { inactivePeriod: 'between', minDays: 5, maxDays: 3, stages: ['New'] } })).rejects.toThrow(
				/maxDays \(3\) must not be below minDays \(5\)/,
			);
			await expect(start(stale, { mode: 'activate', params: { ...base, stages: ['New'], checkEveryMinutes: 0 } })).rejects.toThrow(
				/Check Every \(Minutes\) must be a number above 0/,
			);
			const error = await start(stale, { mode: 'activate', params: { ...base, stages: ['Won'] } }).catch((e) => e);
			expect(error).toBeInstanceOf(NodeOperationError);
		});
	});

	describe('store unreachable at activation', () => {
		function unreachable(config: StoreConfig): IDataObject {
			if (config.backend === 'postgres') return { ...credentialsFor(config), host: '127.0.0.1', port: 1 };
			const blocker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lead-unreachable-')), 'a-file');
			fs.writeFileSync(blocker, 'not a folder');
			return { backend: 'sqlite', file: path.join(blocker, 'leads.sqlite') };
		}

		it.each([
			['Lead Created', created, {}],
			['Lead Status Changed', statusChanged, {}],
			['Stale Lead', stale, { stages: ['New'] }],
		] as const)('%s Trigger: a clear activation error (and for a test run)', async (_name, node, params) => {
			const credentials = unreachable(backend().freshConfig());
			for (const mode of ['activate', 'init'] as const) {
				const error = await startTrigger(node, { credentials, mode, params }).catch((e) => e);
				expect(error).toBeInstanceOf(NodeOperationError);
				expect(error.message).toMatch(/^Cannot reach the lead store: /);
				expect(error.description).toMatch(/Lead Store credential/);
			}
			await expect(runManual(node, { credentials, params })).rejects.toThrow(/^Cannot reach the lead store: /);
		});
	});
});
