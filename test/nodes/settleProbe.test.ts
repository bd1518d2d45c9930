/**
 * A hand-over whose done signal never settles (a queue-mode job that ended unseen, a run whose
 * worker died) must not hold the trigger's cursor for good: after a while the trigger asks n8n
 * again under the same key; n8n refuses it when it holds the execution, which settles it, and
 * runs it when it never stored one. Either way each lead still has exactly one run.
 */
import type { IDataObject } from 'n8n-workflow';
import { LeadCreatedTrigger } from '../../nodes/LeadCreatedTrigger/LeadCreatedTrigger.node';
import { setSettleProbeMs } from '../../nodes/shared/handOver';
import { closeAllStores } from '../../nodes/shared/storeFromCredential';
import { forEachBackend } from '../support/backends';
import { credentialsFor } from '../support/nodeHarness';
import { ExecutionsStandIn, startTrigger, type RunningTrigger } from '../support/triggerHarness';

const PROBE_MS = 150;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const names = (items: IDataObject[]) => items.map((j) => (j.lead as IDataObject).name);

beforeAll(() => setSettleProbeMs(PROBE_MS));
afterAll(() => setSettleProbeMs(120_000));

forEachBackend((backend) => {
	const running: RunningTrigger[] = [];
	afterAll(async () => {
		await Promise.all(running.map((t) => t.close()));
		await closeAllStores();
	});

	it('settles a hand-over n8n holds but never reported ended, and moves the cursor past it', async () => {
		const config = backend().freshConfig();
		const store = await backend().open(undefined, config);
		const executions = new ExecutionsStandIn();
		const ids = { workflowId: 'wf-probe', nodeId: 'node-probe' };
		const t = await startTrigger(new LeadCreatedTrigger(), { credentials: credentialsFor(config), mode: 'activate', executions, ...ids });
		running.push(t);
		executions.hold(); // their done signals never come
		for (const name of ['a', 'b']) await store.transaction((x) => x.createLead({ name }));
		await t.until(2);
		await sleep(PROBE_MS * 4);
		expect(executions.refused).toBe(2); // the probes: n8n holds both executions
		expect(names(t.emitted)).toEqual(['a', 'b']); // and no lead ran twice
		const cursor = (await store.read((x) => x.findSubscription(ids.workflowId, ids.nodeId)))!.cursor;
		const latest = await store.read((x) => x.latestEventId());
		expect(cursor.id).toBe(latest);
		executions.finish();
	});

	it('runs the event once when n8n never stored the first hand-over', async () => {
		const config = backend().freshConfig();
		const store = await backend().open(undefined, config);
		const executions = new ExecutionsStandIn();
		const t = await startTrigger(new LeadCreatedTrigger(), { credentials: credentialsFor(config), mode: 'activate', executions, workflowId: 'wf-lost', nodeId: 'n' });
		running.push(t);
		executions.hold();
		await store.transaction((x) => x.createLead({ name: 'lost in transit' }));
		await t.until(1);
		executions.keys.delete(t.keys[0]); // n8n never stored it, and never will say so
		await sleep(PROBE_MS * 4);
		expect(t.keys[1]).toBe(t.keys[0]); // asked again under the same key
		expect(names(t.emitted)).toEqual(['lost in transit', 'lost in transit']); // the stand-in saw two emits...
		expect(executions.keys.size).toBe(1); // ...of which n8n stored exactly one execution
		executions.finish();
	});
});
