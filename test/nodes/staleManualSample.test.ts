/**
 * Stale Lead Trigger's test run in the editor ("Test this trigger") when no lead is stale yet,
 * as on every new store: it shows at once the lead that goes stale first, marked as not stale
 * yet, instead of a spinner that waits for days. Real trigger() on real stores (both backends).
 */
import type { IDataObject } from 'n8n-workflow';
import { DAY_MS, type LeadStore } from '../../core';
import { StaleLeadTrigger } from '../../nodes/StaleLeadTrigger/StaleLeadTrigger.node';
import { closeAllStores } from '../../nodes/shared/storeFromCredential';
import { forEachBackend } from '../support/backends';
import { credentialsFor } from '../support/nodeHarness';
import { runManual, startTrigger } from '../support/triggerHarness';

const stale = new StaleLeadTrigger();

forEachBackend((backend) => {
	afterEach(closeAllStores);

	async function setup() {
		const config = backend().freshConfig();
		const store: LeadStore = await backend().open(undefined, config);
		const stageId = async (name: string) => String((await store.read((t) => t.listStages())).find((s) => s.name === name)!.id);
		const lead = async (name: string, daysSilent: number, fields: Record<string, unknown> = {}) => {
			const created = await store.transaction((t) => t.createLead({ name, ...fields }));
			await store.driver.transaction((s) => s.run('UPDATE leads SET last_activity_at = $1 WHERE id = $2', [Date.now() - daysSilent * DAY_MS, created.id]));
			return created.id;
		};
		return { store, credentials: credentialsFor(config), stageId, lead };
	}

	it('with no stale lead, the test run shows the lead that goes stale first, marked not stale yet, and marks nothing', async () => {
		const { store, credentials, stageId, lead } = await setup();
		await lead('Quiet a day', 1);
		const soonest = await lead('Quiet two days', 2.5);
		await lead('Quiet longer, other stage', 2.9, { stage: await stageId('Contacted') });
		await lead('Quiet longer, filtered out', 2.9, { source: 'Ads' });
		const ids = { workflowId: 'wf-stale-closest', nodeId: 'node-stale-closest' };
		const params = {
			minDays: 3,
			stages: [await stageId('New')],
			filterLeads: true,
			filterConditions: { condition: [{ field: 'source', operator: 'is_empty' }] },
		};
		const manual = await runManual(stale, { credentials, ...ids, params });
		const [[item]] = (await manual.result)!;
		const json = item.json as IDataObject & { lead: IDataObject };
		expect(json).toMatchObject({ lead: { id: soonest, name: 'Quiet two days' }, notStaleYet: true, daysInactive: 2 });
		expect(json.note).toMatch(/^Not stale yet/);
		// It goes stale in about half a day: staleSince lies ahead.
		const ahead = Date.parse(String(json.staleSince)) - Date.now();
		expect(ahead).toBeGreaterThan(0);
		expect(ahead).toBeLessThan(DAY_MS);
		// Nothing marked: published, the trigger fires for this lead when it does go stale, not now.
		expect(await store.read((t) => t.findSubscription(ids.workflowId, ids.nodeId))).toBeFalsy();
		const published = await startTrigger(stale, { credentials, ...ids, mode: 'activate', params });
		await new Promise((r) => setTimeout(r, 300));
		expect(published.emitted).toEqual([]);
		await published.close();
	});

	it('a lead that is stale wins over one that is not, and carries no marker', async () => {
		const { credentials, stageId, lead } = await setup();
		await lead('Not yet', 2.9);
		const staleOne = await lead('Stale', 4);
		const manual = await runManual(stale, { credentials, params: { minDays: 3, stages: [await stageId('New')] } });
		const json = (await manual.result)![0][0].json;
		expect(json).toMatchObject({ lead: { id: staleOne }, daysInactive: 4 });
		expect(json).not.toHaveProperty('notStaleYet');
	});

	it('with no lead at all in the stages, it waits for one (stopping ends the run empty)', async () => {
		const { credentials, stageId } = await setup();
		const manual = await runManual(stale, { credentials, params: { minDays: 3, stages: [await stageId('Qualified')] } });
		await new Promise((r) => setTimeout(r, 200));
		await manual.stop();
		await expect(manual.result).resolves.toBeNull();
	});
});
