/**
 * The Lead Trigger: one node whose Event picks lead created, status changed or stale, each
 * behaving as its single-event trigger; and the pairing n8n's node creator relies on to list
 * these events in the Lead node's panel.
 */
import * as path from 'node:path';
import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';
import { DAY_MS, type LeadStore } from '../../core';
import { LeadTrigger } from '../../nodes/LeadTrigger/LeadTrigger.node';
import { closeAllStores } from '../../nodes/shared/storeFromCredential';
import { forEachBackend } from '../support/backends';
import { credentialsFor } from '../support/nodeHarness';
import { runManual, startTrigger, type RunningTrigger } from '../support/triggerHarness';

const node = new LeadTrigger();
const root = path.resolve(__dirname, '../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require(path.join(root, 'package.json'));

describe('Lead Trigger in the node creator', () => {
	it('pairs with the Lead node the way n8n pairs app nodes and triggers (<app> + "Trigger", an "Event" options parameter)', () => {
		const names = (pkg.n8n.nodes as string[]).map((file) => {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const mod = require(path.join(root, file.replace(/^dist\//, '').replace(/\.js$/, '.ts')));
			const NodeClass = Object.values(mod)[0] as new () => { description: { name: string } };
			return new NodeClass().description.name;
		});
		expect(names).toEqual(expect.arrayContaining(['lead', 'leadTrigger']));
		const event = node.description.properties.find((p) => p.displayName === 'Event');
		expect(event?.type).toBe('options');
		expect((event!.options as INodePropertyOptions[]).map((o) => o.name)).toEqual(['Lead Created', 'Lead Status Changed', 'Stale Lead']);
	});

	it('shows each event only its own settings', () => {
		const shownFor = (name: string) => node.description.properties.filter((p) => p.name === name).flatMap((p) => (p.displayOptions?.show?.event ?? ['every event']) as string[]);
		expect(shownFor('toStages')).toEqual(['leadStatusChanged']);
		expect(shownFor('stages')).toEqual(['staleLead']);
		expect(shownFor('filterLeads')).toEqual(['every event']);
		expect(shownFor('options').sort()).toEqual(['leadCreated', 'leadStatusChanged', 'staleLead']);
	});
});

forEachBackend((backend) => {
	const running: RunningTrigger[] = [];
	afterAll(async () => {
		await Promise.all(running.map((t) => t.close()));
		await closeAllStores();
	});

	async function setup() {
		const config = backend().freshConfig();
		const store: LeadStore = await backend().open(undefined, config);
		const credentials = credentialsFor(config);
		const stageId = async (name: string) => String((await store.read((t) => t.listStages())).find((s) => s.name === name)!.id);
		return { store, credentials, stageId };
	}
	const names = (items: IDataObject[]) => items.map((j) => (j.lead as IDataObject).name);

	it('Lead Created: one execution per new lead that passes the filter', async () => {
		const { store, credentials } = await setup();
		const filterConditions = { condition: [{ field: 'source', operator: 'equals', value: 'Facebook Ads' }] };
		const t = await startTrigger(node, { credentials, mode: 'activate', params: { event: 'leadCreated', filterLeads: true, filterConditions } });
		running.push(t);
		await store.transaction((x) => x.createLead({ name: 'Skip me', source: 'Referral' }));
		await store.transaction((x) => x.createLead({ name: 'Ana', source: 'Facebook Ads' }));
		await t.until(1);
		expect(names(t.emitted)).toEqual(['Ana']);
		expect((t.emitted[0].event as IDataObject).type).toBe('lead.created');
	});

	it('Lead Status Changed: only moves to the chosen stage', async () => {
		const { store, credentials, stageId } = await setup();
		const lead = await store.transaction((x) => x.createLead({ name: 'Bo' }));
		const t = await startTrigger(node, { credentials, mode: 'activate', workflowId: 'wf-status', params: { event: 'leadStatusChanged', toStages: [await stageId('Qualified')] } });
		running.push(t);
		await store.transaction((x) => x.changeStage(lead.id, 'Contacted'));
		await store.transaction((x) => x.changeStage(lead.id, 'Qualified'));
		await t.until(1);
		expect(t.emitted).toHaveLength(1);
		expect(t.emitted[0]).toMatchObject({ previousStage: { name: 'Contacted' }, newStage: { name: 'Qualified' } });
	});

	it('Stale Lead: a lead inactive for the set days in a watched stage', async () => {
		const { store, credentials, stageId } = await setup();
		const lead = await store.transaction((x) => x.createLead({ name: 'Cy' }));
		await store.driver.transaction((s) => s.run('UPDATE leads SET last_activity_at = $1 WHERE id = $2', [Date.now() - 4 * DAY_MS, lead.id]));
		const manual = await runManual(node, { credentials, params: { event: 'staleLead', minDays: 3, stages: [await stageId('New')] } });
		const [items] = (await manual.result)!;
		expect(items.map((i) => (i.json.lead as IDataObject).name)).toEqual(['Cy']);
		expect(items[0].json.daysInactive).toBe(4);
	});

	it('refuses an unknown event when it is published, naming the setting', async () => {
		const { credentials } = await setup();
		await expect(startTrigger(node, { credentials, mode: 'activate', params: { event: 'leadDeleted' } })).rejects.toThrow(/event must be one of leadCreated, leadStatusChanged, staleLead; got "leadDeleted"/);
	});
});
