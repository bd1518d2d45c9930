/**
 * A run n8n lost (its queue-mode worker died; n8n fails it as stalled and never runs it again) is
 * handed over again under the event's next delivery key, and the steps it runs again find what
 * the lost run had created: the event ends as one successful run, its writes made once. A run
 * that failed in a node is not handed over again: that failure is the workflow's own.
 */
import type { IDataObject, IRun } from 'n8n-workflow';
import { CreateLeadNote } from '../../nodes/CreateLeadNote/CreateLeadNote.node';
import { CreateLeadTask } from '../../nodes/CreateLeadTask/CreateLeadTask.node';
import { CreateOpportunity } from '../../nodes/CreateOpportunity/CreateOpportunity.node';
import { LeadCreatedTrigger } from '../../nodes/LeadCreatedTrigger/LeadCreatedTrigger.node';
import { closeAllStores } from '../../nodes/shared/storeFromCredential';
import { leadFromItem } from '../support/actionNodeKit';
import { forEachBackend } from '../support/backends';
import { credentialsFor, runNode, type RunOptions } from '../support/nodeHarness';
import { startTrigger, type RunningTrigger } from '../support/triggerHarness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What n8n 2.41's workflow runner hands the done promise for a stalled queue-mode job. */
const stalled: Partial<IRun> = {
	status: 'error',
	data: {
		resultData: {
			runData: {},
			error: { message: 'This execution failed to be processed too many times and will no longer retry. To allow this execution to complete, please break down your workflow or scale up your workers or adjust your worker settings.' },
		},
	} as IRun['data'],
};
/** A run that failed in one of its nodes: n8n recorded what ran. */
const failedInANode: Partial<IRun> = {
	status: 'error',
	data: { resultData: { runData: { 'Create Lead Task': [] }, error: { message: 'item 0: description is required' } } } as unknown as IRun['data'],
};

afterAll(closeAllStores);

forEachBackend((backend) => {
	const running: RunningTrigger[] = [];
	afterAll(() => Promise.all(running.map((t) => t.close())));

	it('hands an event whose run n8n lost over again under its next key, once; the cursor waits for that run', async () => {
		const config = backend().freshConfig();
		const store = await backend().open(undefined, config);
		const ids = { workflowId: 'wf-lost-run', nodeId: 'trigger-node' };
		const t = await startTrigger(new LeadCreatedTrigger(), { credentials: credentialsFor(config), mode: 'activate', ...ids });
		running.push(t);
		t.endNextRunsAs(1, stalled);
		const lead = await store.transaction((x) => x.createLead({ name: 'cut off' }));
		await t.until(2);
		expect(t.keys).toEqual([t.keys[0], `${t.keys[0]}:2`]);
		expect(t.emitted.map((j) => (j.lead as IDataObject).id)).toEqual([lead.id, lead.id]);
		expect(t.emitted[1]).toEqual(t.emitted[0]); // the same event, the same item

		// A run that failed in a node stands: nobody hands that event over again.
		t.endNextRunsAs(1, failedInANode);
		await store.transaction((x) => x.createLead({ name: 'failed in a node' }));
		await t.until(3);
		await sleep(300);
		expect(t.emitted).toHaveLength(3);
		const settledAt = async () => (await store.read((x) => x.findSubscription(ids.workflowId, ids.nodeId)))!.cursor.id;
		const deadline = Date.now() + 5_000;
		while ((await settledAt()) !== (await store.read((x) => x.latestEventId())) && Date.now() < deadline) await sleep(50);
		expect(await settledAt()).toBe(await store.read((x) => x.latestEventId()));
	});

	it('steps run again for the same event return what they created then: one task, one note, one opportunity', async () => {
		const config = backend().freshConfig();
		const store = await backend().open(undefined, config);
		const credentials = credentialsFor(config);
		const owner = await store.transaction((x) => x.createMember({ name: 'Rae Rep', email: 'rae@example.com' }));
		const lead = await store.transaction((x) => x.createLead({ name: 'twice', owner: owner.id }));
		const item = { event: { id: 41, type: 'lead.created', causationDepth: 0 }, lead: { id: lead.id } };
		const asTriggered: Partial<RunOptions> = { mode: 'trigger' };
		const task = { lead: leadFromItem, type: 'call', description: 'First call', due: 'immediately', assignTo: 'owner', priority: 'normal', waitForCompletion: 'optional', required: true };
		const note = { lead: leadFromItem, content: 'New lead', pinned: false };
		const deal = { lead: leadFromItem, value: 1200, ownerMode: 'leadOwner', additionalFields: {} };

		const run = (node: Parameters<typeof runNode>[0], params: Record<string, unknown>, options: Partial<RunOptions> = asTriggered, items: IDataObject[] = [item]) =>
			runNode(node, { params, items, credentials, ...options }).then(([out]) => out.map((o) => o.json));
		const [firstTask] = await run(new CreateLeadTask(), task);
		const [againTask] = await run(new CreateLeadTask(), task);
		expect(againTask).toMatchObject({ id: firstTask.id, assignee: { id: owner.id }, reason: expect.stringMatching(/earlier run of this step/) });
		expect(firstTask.reason).toBeUndefined();
		const [firstNote] = await run(new CreateLeadNote(), note);
		const [againNote] = await run(new CreateLeadNote(), note);
		expect(againNote).toMatchObject({ id: firstNote.id, reason: expect.stringMatching(/not created twice/) });
		const [firstDeal] = await run(new CreateOpportunity(), deal);
		const [againDeal] = await run(new CreateOpportunity(), deal);
		expect(againDeal.id).toBe(firstDeal.id);

		const counts = async () => ({
			tasks: (await store.read((x) => x.listTasks(lead.id))).length,
			notes: (await store.read((x) => x.listNotes(lead.id))).length,
		});
		expect(await counts()).toEqual({ tasks: 1, notes: 1 });

		// Another cause writes anew: another event, another item of the run, a second run of the
		// node in the execution (a loop), and every test run in the editor.
		await run(new CreateLeadTask(), task, asTriggered, [{ ...item, event: { ...item.event, id: 42 } }]);
		await run(new CreateLeadTask(), task, asTriggered, [item, item]);
		await run(new CreateLeadTask(), task, { mode: 'trigger', upstreamRun: 1 });
		await run(new CreateLeadTask(), task, { mode: 'manual' });
		await run(new CreateLeadTask(), task, { mode: 'manual' });
		expect((await counts()).tasks).toBe(1 + 1 + 1 + 1 + 2);
	});

	it("n8n's Retry of a crashed run finds what the crashed run created, though the recovered run put a placeholder run before the trigger's", async () => {
		const config = backend().freshConfig();
		const store = await backend().open(undefined, config);
		const credentials = credentialsFor(config);
		const lead = await store.transaction((x) => x.createLead({ name: 'crashed after its note' }));
		const item = { event: { id: `stale:${lead.id}:1`, type: 'lead.stale', causationDepth: 0 }, lead: { id: lead.id } };
		const note = { lead: leadFromItem, content: 'Gone quiet', pinned: false };
		const run = (options: Partial<RunOptions>) => runNode(new CreateLeadNote(), { params: note, items: [item], credentials, mode: 'trigger', ...options }).then(([out]) => out[0].json);

		// The crashed run wrote its note; n8n's recovery then stood a placeholder in for the
		// trigger's run (its event log saw the trigger finish), and the Retry ran the trigger again.
		const crashed = await run({});
		const placeholder = [{ isArtificialRecoveredEventItem: true }];
		const retried = await run({ mode: 'retry', upstreamRun: 1, upstreamRuns: [placeholder] });
		expect(retried).toMatchObject({ id: crashed.id, reason: expect.stringMatching(/not created twice/) });
		expect((await store.read((x) => x.listNotes(lead.id))).map((n) => n.id)).toEqual([crashed.id]);

		// A real second run of the node before (a loop) is a cause of its own.
		const looped = await run({ upstreamRun: 1, upstreamRuns: [[item]] });
		expect(looped.id).not.toBe(crashed.id);
		expect(await store.read((x) => x.listNotes(lead.id))).toHaveLength(2);
	});
});
