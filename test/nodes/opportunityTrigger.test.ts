/**
 * The Opportunity Trigger through its real trigger() on real stores (both backends), with the
 * stand-in for n8n's trigger context: one emit per event under its delivery key, the settings,
 * activation errors, and the editor's test run.
 */
import type { IDataObject } from 'n8n-workflow';
import type { LeadStore } from '../../core';
import { OpportunityTrigger } from '../../nodes/OpportunityTrigger/OpportunityTrigger.node';
import { closeAllStores } from '../../nodes/shared/storeFromCredential';
import { forEachBackend } from '../support/backends';
import { sleep } from '../support/delivery';
import { credentialsFor } from '../support/nodeHarness';
import { runManual, startTrigger, type RunningTrigger } from '../support/triggerHarness';

jest.setTimeout(30_000);
const node = new OpportunityTrigger();

forEachBackend((backend) => {
	let store: LeadStore;
	let credentials: IDataObject;
	const running: RunningTrigger[] = [];
	let n = 0;
	beforeAll(async () => {
		const config = backend().freshConfig();
		store = await backend().open(undefined, config);
		credentials = credentialsFor(config);
	});
	afterEach(async () => {
		await Promise.all(running.splice(0).map((t) => t.close()));
	});
	afterAll(closeAllStores);

	const start = async (params: Record<string, unknown>) => {
		const t = await startTrigger(node, { mode: 'activate', credentials, params, nodeId: `opp-trigger-${++n}` });
		running.push(t);
		return t;
	};
	const newOpportunity = async (input: Record<string, unknown> = {}, lead: Record<string, unknown> = {}) =>
		store.transaction(async (t) => (await t.createOpportunity((await t.createLead({ name: 'Lee', ...lead })).id, input)).opportunity);
	const setStatus = (id: number, status: string) => store.transaction((t) => t.updateOpportunity(undefined, { id }, { status }));

	it('status changed to Won: one execution per move, with the opportunity, its lead, previous and new status', async () => {
		const trigger = await start({ event: 'opportunityStatusChanged', toStatuses: ['Won'] });
		const opp = await newOpportunity({ amount: 300 });
		await setStatus(opp.id, 'Lost');
		await setStatus(opp.id, 'Won');
		await trigger.until(1);
		await sleep(300);
		expect(trigger.emitted).toHaveLength(1);
		expect(trigger.emitted[0]).toMatchObject({
			opportunity: { id: opp.id, value: 30000, amount: 300, status: { name: 'Won', kind: 'won' } },
			lead: { id: opp.leadId, name: 'Lee' },
			event: { type: 'opportunity.status_changed', causationDepth: 0 },
			previousStatus: { name: 'Lost', kind: 'lost' },
			newStatus: { name: 'Won', kind: 'won' },
		});
		expect(trigger.keys[0]).toMatch(/^lead:wf-trigger-test:opp-trigger-\d+:\d+:\d+$/);
	});

	it('created, with the value range and the lead audience filter', async () => {
		const trigger = await start({
			event: 'opportunityCreated',
			opportunityFilters: { minAmount: 100 },
			filterLeads: true,
			filterCombinator: 'and',
			filterConditions: { condition: [{ field: 'source', operator: 'equals', value: 'Web' }] },
		});
		await newOpportunity({ amount: 50 }, { source: 'Web', name: 'small' });
		await newOpportunity({ amount: 500 }, { source: 'Fair', name: 'fair' });
		await newOpportunity({ amount: 500 }, { source: 'web', name: 'match' });
		await trigger.until(1);
		await sleep(300);
		expect(trigger.emitted.map((e) => (e.lead as IDataObject).name)).toEqual(['match']);
	});

	it('updated: the changed fields', async () => {
		const trigger = await start({ event: 'opportunityUpdated' });
		const opp = await newOpportunity();
		await store.transaction((t) => t.updateOpportunity(undefined, { id: opp.id }, { confidence: 60 }));
		await trigger.until(1);
		expect(trigger.emitted[0]).toMatchObject({ changedFields: ['confidence'], opportunity: { confidence: 60 } });
	});

	it('an unknown status or an upside-down range fails activation naming the setting', async () => {
		await expect(start({ event: 'opportunityStatusChanged', toStatuses: ['Signed'] })).rejects.toThrow(/^Invalid trigger setting: toStatuses: no opportunity status "Signed"/);
		await expect(start({ event: 'opportunityCreated', opportunityFilters: { minAmount: 10, maxAmount: 1 } })).rejects.toThrow(/^Invalid trigger setting: maxAmount must be at least minAmount/);
	});

	it("the editor's test run returns the latest matching event", async () => {
		const opp = await newOpportunity({ amount: 7 }, { name: 'Sampled' });
		await setStatus(opp.id, 'Won');
		const manual = await runManual(node, { credentials, params: { event: 'opportunityStatusChanged', toStatuses: ['any'] } });
		const result = await manual.result;
		expect(result![0][0].json).toMatchObject({ lead: { name: 'Sampled' }, opportunity: { id: opp.id }, newStatus: { name: 'Won' } });
	});
});
