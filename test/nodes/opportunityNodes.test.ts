/**
 * Create Opportunity, Update Opportunity and the Lead node's Opportunity and Opportunity Status
 * resources through their real execute() on real stores (both backends).
 */
import type { IDataObject } from 'n8n-workflow';
import { CreateOpportunity } from '../../nodes/CreateOpportunity/CreateOpportunity.node';
import { Lead } from '../../nodes/Lead/Lead.node';
import { UpdateOpportunity } from '../../nodes/UpdateOpportunity/UpdateOpportunity.node';
import { closeAllStores } from '../../nodes/shared/storeFromCredential';
import { actionNodeKit, leadFromItem, triggerItem } from '../support/actionNodeKit';
import { forEachBackend } from '../support/backends';
import { rl } from '../support/nodeHarness';

afterAll(closeAllStores);

forEachBackend((backend) => {
	describe('Create Opportunity', () => {
		const kit = actionNodeKit(new CreateOpportunity(), backend);
		const base = { lead: leadFromItem, value: '', ownerMode: 'leadOwner', additionalFields: {} };

		it("takes the lead from the incoming item, the value from an expression, the lead's owner and the credential's currency", async () => {
			const ana = await kit.member('Ana');
			const leadId = await kit.lead({ owner: ana.id, custom: { budget: '4200.50' } });
			const [out] = await kit.run(
				{ ...base, value: (_: number, item: { json: IDataObject }) => ((item.json.lead as IDataObject).custom as IDataObject).budget },
				[{ ...triggerItem(leadId), lead: { id: leadId, custom: { budget: '4200.50' } } }],
				{ credentials: { ...kit.credentials, defaultCurrency: 'EUR' } },
			);
			expect(out[0].json).toMatchObject({ value: 420050, amount: 4200.5, currency: 'EUR', status: { name: 'Active' }, owner: { id: ana.id }, lead: { id: leadId } });
			expect(out[0].pairedItem).toEqual({ item: 0 });
		});

		it('sets every field: a specific owner, status, confidence, close in X days (workflow timezone), note, custom fields', async () => {
			const bo = await kit.member('Bo');
			const leadId = await kit.lead();
			const [out] = await kit.run(
				{
					...base,
					lead: rl(leadId),
					value: '99',
					ownerMode: 'member',
					owner: rl(bo.id),
					additionalFields: { currency: 'jpy', status: rl('Won', 'name'), confidence: 80, closeInDays: 0, note: 'Signed', custom: { field: [{ name: 'plan', value: 'pro' }] } },
				},
				[{}],
				{ timezone: 'Pacific/Kiritimati' },
			);
			const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Pacific/Kiritimati' }).format(new Date());
			expect(out[0].json).toMatchObject({ value: 99, amount: 99, currency: 'JPY', status: { name: 'Won', kind: 'won' }, confidence: 80, expectedCloseDate: today, note: 'Signed', owner: { id: bo.id }, custom: { plan: 'pro' } });
		});

		it('nobody as owner', async () => {
			const ana = await kit.member('Ana');
			const [out] = await kit.run({ ...base, lead: rl(await kit.lead({ owner: ana.id })), ownerMode: 'none' });
			expect(out[0].json.owner).toBeNull();
		});

		it.each([
			['a negative value', { value: '-10' }, 'value'],
			['a currency that is not ISO 4217', { additionalFields: { currency: 'Euro' } }, 'currency'],
			['confidence above 100', { additionalFields: { confidence: 120 } }, 'confidence'],
			['an unknown status', { additionalFields: { status: rl('Signed', 'name') } }, 'status'],
			['a bad date', { additionalFields: { expectedCloseDate: '2026-13-01' } }, 'expectedCloseDate'],
			['a date and a number of days', { additionalFields: { expectedCloseDate: '2026-03-01', closeInDays: 3 } }, 'expectedCloseDate'],
		])('refuses %s, naming item and field; nothing is written', async (_, params, field) => {
			const leadId = await kit.lead();
			await kit.refuses({ ...base, lead: rl(leadId), ...params }, new RegExp(`^Item 0, field "${field}": `));
		});

		it('with continue on fail, a bad item is an error item and the good one is written', async () => {
			const leadId = await kit.lead();
			const [out] = await kit.run({ ...base, lead: rl(leadId), value: (i: number) => (i === 0 ? 'ten' : '10') }, [{}, {}], { continueOnFail: true });
			expect(out[0].json).toMatchObject({ field: 'value', error: expect.stringMatching(/^Item 0, field "value": /) });
			expect(out[1].json).toMatchObject({ value: 1000 });
		});
	});

	describe('Update Opportunity', () => {
		const kit = actionNodeKit(new UpdateOpportunity(), backend);
		const base = { lead: leadFromItem, opportunity: 'newest', updateFields: {}, overwrite: true };
		const opportunity = (leadId: number, input: Record<string, unknown> = {}) =>
			kit.store.transaction(async (t) => (await t.createOpportunity(leadId, input)).opportunity);

		it("updates the opportunity that triggered the workflow (the Opportunity Trigger's item)", async () => {
			const leadId = await kit.lead();
			const first = await opportunity(leadId, { amount: 1 });
			await opportunity(leadId, { amount: 2 });
			const [out] = await kit.run({ ...base, opportunity: 'trigger', updateFields: { status: rl('Won', 'name'), value: '1.5' } }, [
				{ ...triggerItem(leadId), opportunity: { id: first.id } },
			]);
			expect(out[0].json).toMatchObject({ id: first.id, value: 150, status: { name: 'Won' }, changedFields: ['value', 'status'], previousStatus: { name: 'Active' } });
		});

		it('the newest or the oldest on the lead; overwrite off fills only empty fields', async () => {
			const leadId = await kit.lead();
			const first = await opportunity(leadId, { note: 'old', amount: 5 });
			const second = await opportunity(leadId);
			const [newest] = await kit.run({ ...base, updateFields: { note: 'new', value: '7' }, overwrite: false }, [triggerItem(leadId)]);
			expect(newest[0].json).toMatchObject({ id: second.id, note: 'new', value: 700 });
			const [oldest] = await kit.run({ ...base, opportunity: 'oldest', updateFields: { note: 'changed', value: '9' }, overwrite: false }, [triggerItem(leadId)]);
			expect(oldest[0].json).toMatchObject({ id: first.id, note: 'old', value: 500, changedFields: [] });
		});

		it('a lead with no opportunity: skipped with the reason, nothing written', async () => {
			const leadId = await kit.lead();
			const [out] = await kit.run({ ...base, updateFields: { confidence: 10 } }, [triggerItem(leadId)]);
			expect(out[0].json).toMatchObject({ skipped: true, reason: `lead ${leadId} has no opportunity, so nothing was updated`, lead: { id: leadId } });
		});

		it("refuses an unknown opportunity id, another lead's opportunity, and an item without an opportunity", async () => {
			const leadId = await kit.lead();
			const other = await kit.lead();
			const theirs = await opportunity(other);
			await kit.refuses({ ...base, opportunity: 'id', opportunityId: rl(987654), updateFields: { note: 'x' } }, /^Item 0, field "opportunityId": opportunityId: no opportunity with id 987654$/, [triggerItem(leadId)]);
			await kit.refuses({ ...base, opportunity: 'id', opportunityId: rl(theirs.id), updateFields: { note: 'x' } }, new RegExp(`^Item 0, field "lead": opportunity ${theirs.id} belongs to lead ${other}, not lead ${leadId}`), [triggerItem(leadId)]);
			await kit.refuses({ ...base, opportunity: 'trigger', updateFields: { note: 'x' } }, /^Item 0, field "opportunity": .*no opportunity/, [triggerItem(leadId)]);
		});
	});

	describe('Lead node: Opportunity and Opportunity Status resources', () => {
		const kit = actionNodeKit(new Lead(), backend);

		it('gets one, gets many with filters and paging, deletes', async () => {
			const leadId = await kit.lead();
			const ids = await kit.store.transaction(async (t) => [
				(await t.createOpportunity(leadId, { amount: 1 })).opportunity.id,
				(await t.createOpportunity(leadId, { amount: 2, status: 'Won' })).opportunity.id,
				(await t.createOpportunity(leadId, { amount: 3, status: 'Won' })).opportunity.id,
			]);
			const [got] = await kit.run({ resource: 'opportunity', operation: 'get', opportunity: rl(ids[0]) });
			expect(got[0].json).toMatchObject({ id: ids[0], amount: 1, leadId });
			const [won] = await kit.run({ resource: 'opportunity', operation: 'getMany', returnAll: true, opportunityFilters: { lead: rl(leadId), statusKind: 'won' } });
			expect(won.map((o) => o.json.id)).toEqual(ids.slice(1));
			const [two] = await kit.run({ resource: 'opportunity', operation: 'getMany', returnAll: false, limit: 2, opportunityFilters: { lead: rl(leadId) } });
			expect(two.map((o) => o.json.id)).toEqual(ids.slice(0, 2));
			const [deleted] = await kit.run({ resource: 'opportunity', operation: 'delete', opportunity: rl(ids[0]) });
			expect(deleted[0].json).toEqual({ id: ids[0], leadId, deleted: true });
			await kit.refuses({ resource: 'opportunity', operation: 'get', opportunity: rl(ids[0]) }, /^Item 0, field "opportunity": opportunity: no opportunity with id/);
		});

		it('statuses: get many, create, update, reorder; a duplicate name refused', async () => {
			const [created] = await kit.run({ resource: 'opportunityStatus', operation: 'create', name: 'Proposal', kind: 'active', position: 0 });
			expect(created[0].json).toMatchObject({ name: 'Proposal', kind: 'active' });
			await kit.run({ resource: 'opportunityStatus', operation: 'update', status: rl('Proposal', 'name'), statusUpdateFields: { name: 'Proposal sent' } });
			const [order] = await kit.run({ resource: 'opportunityStatus', operation: 'reorder', statusOrder: 'Proposal sent, Active' });
			expect(order.map((s) => s.json.name)).toEqual(['Proposal sent', 'Active', 'Won', 'Lost']);
			const [all] = await kit.run({ resource: 'opportunityStatus', operation: 'getMany' });
			expect(all.map((s) => s.json.name)).toEqual(['Proposal sent', 'Active', 'Won', 'Lost']);
			await kit.refuses({ resource: 'opportunityStatus', operation: 'create', name: 'won', kind: 'won', position: 0 }, /^Item 0, field "name": an opportunity status named "won" exists already$/);
		});
	});
});
