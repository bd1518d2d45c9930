import { type LeadStore } from '../../core';
import { forEachBackend, manualClock } from '../support/backends';
import { expectRefusedCleanly } from '../support/storeAssertions';

const DAY = 24 * 3_600_000;
const workflow = { actor: { kind: 'workflow' as const, workflowId: 'wf1', node: 'Create Opportunity' } };

forEachBackend((backend) => {
	let store: LeadStore;
	const clock = manualClock();

	beforeAll(async () => {
		store = await backend().open({ clock });
	});

	const newLead = (fields: Record<string, unknown> = {}) => store.transaction((t) => t.createLead({ name: 'Lee', ...fields }));
	const create = (leadId: number, input: Record<string, unknown> = {}, options = {}) =>
		store.transaction((t) => t.createOpportunity(leadId, input, options, workflow));
	const eventsOf = async (leadId: number) =>
		(await store.read((t) => t.readEvents({ after: 0 }))).filter((e) => e.leadId === leadId && e.type.startsWith('opportunity.'));

	describe('create', () => {
		it('stores value in minor units with its currency, defaults status, owner and currency, and writes opportunity.created', async () => {
			const ana = await store.transaction((t) => t.createMember({ name: 'Ana', email: 'ana.opp@example.com' }));
			const lead = await newLead({ owner: ana.id });
			const { opportunity } = await create(lead.id, { amount: '1250.5', confidence: 70, expectedCloseDate: '2026-03-31', note: ' Pilot ', custom: { plan: 'pro' } });
			expect(opportunity).toMatchObject({
				leadId: lead.id,
				value: 125050,
				amount: 1250.5,
				currency: 'USD',
				status: { name: 'Active', kind: 'active' },
				confidence: 70,
				expectedCloseDate: '2026-03-31',
				note: 'Pilot',
				owner: { id: ana.id, name: 'Ana' },
				custom: { plan: 'pro' },
				createdAt: clock(),
			});
			const [event] = await eventsOf(lead.id);
			expect(event).toMatchObject({ type: 'opportunity.created', data: { opportunityId: opportunity.id, status: 'Active', value: 125050, currency: 'USD' }, actor: workflow.actor });
		});

		it("uses the currency's own minor unit (JPY 0 digits, BHD 3), the default currency given, nobody as owner when asked", async () => {
			const lead = await newLead();
			const yen = await create(lead.id, { amount: 1200, currency: 'jpy' });
			expect(yen.opportunity).toMatchObject({ value: 1200, amount: 1200, currency: 'JPY' });
			const dinar = await create(lead.id, { amount: '1.234', currency: 'BHD' });
			expect(dinar.opportunity).toMatchObject({ value: 1234, amount: 1.234 });
			const euro = await create(lead.id, { value: 999, owner: null }, { defaultCurrency: 'EUR' });
			expect(euro.opportunity).toMatchObject({ value: 999, amount: 9.99, currency: 'EUR', owner: null });
		});

		it('closes "X days after" in the given timezone, as a calendar date', async () => {
			const lead = await newLead();
			clock.set(Date.UTC(2026, 0, 5, 23, 30)); // already the 6th in Berlin
			const { opportunity } = await create(lead.id, { expectedCloseDate: { daysAfter: 10 } }, { timezone: 'Europe/Berlin' });
			expect(opportunity.expectedCloseDate).toBe('2026-01-16');
		});

		it('does not count as lead activity: last activity, episode and updated time stay', async () => {
			const lead = await newLead();
			clock.advance(3 * DAY);
			await create(lead.id, { amount: 10 });
			const now = await store.read((t) => t.getLead(lead.id));
			expect([now.lastActivityAt, now.lastActivityKind, now.episode, now.updatedAt]).toEqual([lead.lastActivityAt, 'created', lead.episode, lead.updatedAt]);
		});

		it.each([
			['a negative value', { amount: -5 }, 'value'],
			['more decimals than the currency has', { amount: '12.345' }, 'value'],
			['a value that is not a number', { amount: 'ten' }, 'value'],
			['negative minor units', { value: -1 }, 'value'],
			['a currency that is not ISO 4217', { currency: 'XYZ1' }, 'currency'],
			['confidence above 100', { confidence: 101 }, 'confidence'],
			['confidence below 0', { confidence: -1 }, 'confidence'],
			['a fractional confidence', { confidence: 50.5 }, 'confidence'],
			['an unknown status', { status: 'Negotiating' }, 'status'],
			['an impossible date', { expectedCloseDate: '2026-02-30' }, 'expectedCloseDate'],
			['a date in another format', { expectedCloseDate: '31/03/2026' }, 'expectedCloseDate'],
			['a negative number of days', { expectedCloseDate: { daysAfter: -2 } }, 'expectedCloseDate'],
			['an unknown owner', { owner: 'nobody@example.com' }, 'owner'],
		])('refuses %s, naming the field; nothing is written', async (_, input, field) => {
			const lead = await newLead();
			await expectRefusedCleanly(store, (t) => t.createOpportunity(lead.id, input), field === 'status' || field === 'owner' ? 'not_found' : 'invalid', field);
		});

		it('refuses an unknown lead and a bad default currency', async () => {
			await expectRefusedCleanly(store, (t) => t.createOpportunity(987654, { amount: 1 }), 'not_found', 'lead');
			const lead = await newLead();
			await expectRefusedCleanly(store, (t) => t.createOpportunity(lead.id, {}, { defaultCurrency: 'Dollars' }), 'invalid', 'currency');
		});
	});

	describe('update', () => {
		it('overwrites given fields by default; a status change writes opportunity.updated and opportunity.status_changed', async () => {
			const lead = await newLead();
			const { opportunity } = await create(lead.id, { amount: 100, note: 'first' });
			clock.advance(1000);
			const result = await store.transaction((t) => t.updateOpportunity(lead.id, { id: opportunity.id }, { amount: 250, note: 'second', status: 'Won' }, {}, workflow));
			expect(result.opportunity).toMatchObject({ value: 25000, note: 'second', status: { name: 'Won', kind: 'won' }, updatedAt: clock() });
			expect(result.changed).toEqual(['value', 'status', 'note']);
			expect(result.previousStatus).toMatchObject({ name: 'Active', kind: 'active' });
			const events = await eventsOf(lead.id);
			expect(events.map((e) => e.type)).toEqual(['opportunity.created', 'opportunity.updated', 'opportunity.status_changed']);
			expect(events[2].data).toMatchObject({ opportunityId: opportunity.id, fromStatus: 'Active', toStatus: 'Won' });
		});

		it('with overwrite off fills only empty fields (custom fields key by key) and leaves the status alone', async () => {
			const lead = await newLead();
			const { opportunity } = await create(lead.id, { note: 'kept', custom: { plan: 'pro' } });
			const result = await store.transaction((t) =>
				t.updateOpportunity(lead.id, { id: opportunity.id }, { amount: 40, note: 'lost', confidence: 20, status: 'Won', custom: { plan: 'basic', seats: '5' } }, { overwrite: false }),
			);
			expect(result.opportunity).toMatchObject({ value: 4000, note: 'kept', confidence: 20, status: { name: 'Active' }, custom: { plan: 'pro', seats: '5' } });
			expect(result.changed).toEqual(['value', 'confidence', 'custom']);
			expect((await eventsOf(lead.id)).map((e) => e.type)).toEqual(['opportunity.created', 'opportunity.updated']);
		});

		it('picks the newest or the oldest opportunity on the lead, by creation', async () => {
			const lead = await newLead();
			const first = await create(lead.id, { note: 'first' });
			clock.advance(1000);
			const second = await create(lead.id, { note: 'second' });
			const newest = await store.transaction((t) => t.updateOpportunity(lead.id, { which: 'newest' }, { confidence: 90 }));
			const oldest = await store.transaction((t) => t.updateOpportunity(lead.id, { which: 'oldest' }, { confidence: 10 }));
			expect([newest.opportunity!.id, oldest.opportunity!.id]).toEqual([second.opportunity.id, first.opportunity.id]);
		});

		it('a lead with no opportunity: skipped, nothing written, and the reason says so', async () => {
			const lead = await newLead();
			const before = (await store.read((t) => t.readEvents({ after: 0 }))).length;
			const result = await store.transaction((t) => t.updateOpportunity(lead.id, { which: 'newest' }, { confidence: 90 }));
			expect(result).toMatchObject({ opportunity: null, skipped: true, changed: [], reason: `lead ${lead.id} has no opportunity, so nothing was updated` });
			expect((await store.read((t) => t.readEvents({ after: 0 }))).length).toBe(before);
		});

		it('an unchanged update writes nothing', async () => {
			const lead = await newLead();
			const { opportunity } = await create(lead.id, { amount: 5 });
			const result = await store.transaction((t) => t.updateOpportunity(lead.id, { id: opportunity.id }, { amount: '5.00', status: 'Active' }));
			expect(result.changed).toEqual([]);
			expect((await eventsOf(lead.id)).length).toBe(1);
		});

		it('refuses an unknown opportunity id, a lead that is not the opportunity\'s, and bad values; nothing is written', async () => {
			const lead = await newLead();
			const other = await newLead();
			const { opportunity } = await create(lead.id, { amount: 5 });
			await expectRefusedCleanly(store, (t) => t.updateOpportunity(lead.id, { id: 99999 }, { amount: 1 }), 'not_found', 'opportunity');
			const error = await expectRefusedCleanly(store, (t) => t.updateOpportunity(other.id, { id: opportunity.id }, { amount: 1 }), 'conflict', 'lead');
			expect(error.message).toMatch(`opportunity ${opportunity.id} belongs to lead ${lead.id}, not lead ${other.id}`);
			await expectRefusedCleanly(store, (t) => t.updateOpportunity(lead.id, { id: opportunity.id }, { confidence: 150 }), 'invalid', 'confidence');
			await expectRefusedCleanly(store, (t) => t.updateOpportunity(lead.id, { id: opportunity.id }, { status: 'Maybe' }), 'not_found', 'status');
			await expectRefusedCleanly(store, (t) => t.updateOpportunity(lead.id, { id: opportunity.id }, { currency: 'JPY' }), 'invalid', 'currency');
			// Bad input is refused even when the lead has nothing to update.
			await expectRefusedCleanly(store, (t) => t.updateOpportunity(other.id, { which: 'newest' }, { amount: -3 }), 'invalid', 'value');
		});

		it('stops a status-change loop past the causation depth limit', async () => {
			const lead = await newLead();
			const { opportunity } = await create(lead.id);
			await expectRefusedCleanly(
				store,
				(t) => t.updateOpportunity(lead.id, { id: opportunity.id }, { status: 'Lost' }, {}, { ...workflow, causationDepth: 6 }),
				'conflict',
				'status',
			);
		});
	});

	describe('lists, delete and the lead cascade', () => {
		it('gets many by lead, status and owner, with keyset paging', async () => {
			const bo = await store.transaction((t) => t.createMember({ name: 'Bo', email: 'bo.opp@example.com' }));
			const lead = await newLead();
			const a = await create(lead.id, { owner: bo.id, amount: 1 });
			const b = await create(lead.id, { status: 'Won', amount: 2 });
			const c = await create(lead.id, { status: 'Won', owner: bo.id, amount: 3 });
			const ids = (page: { items: Array<{ id: number }> }) => page.items.map((o) => o.id);
			expect(ids(await store.read((t) => t.findOpportunities({ leadId: lead.id })))).toEqual([a, b, c].map((x) => x.opportunity.id));
			expect(ids(await store.read((t) => t.findOpportunities({ leadId: lead.id, statuses: ['won'] })))).toEqual([b, c].map((x) => x.opportunity.id));
			expect(ids(await store.read((t) => t.findOpportunities({ leadId: lead.id, owner: bo.email, statusKind: 'won' })))).toEqual([c.opportunity.id]);
			const page1 = await store.read((t) => t.findOpportunities({ leadId: lead.id, limit: 2 }));
			const page2 = await store.read((t) => t.findOpportunities({ leadId: lead.id, limit: 2, after: page1.nextCursor! }));
			expect([...ids(page1), ...ids(page2)]).toEqual([a, b, c].map((x) => x.opportunity.id));
			expect(page2.nextCursor).toBeNull();
		});

		it("deleting a lead deletes its opportunities; the events stay", async () => {
			const lead = await newLead();
			const { opportunity } = await create(lead.id, { amount: 1 });
			await store.transaction((t) => t.deleteLead(lead.id));
			const left = await store.driver.transaction((s) => s.get<{ n: number }>('SELECT COUNT(*) AS n FROM opportunities WHERE lead_id = $1', [lead.id]));
			expect(Number(left!.n)).toBe(0);
			await expect(store.read((t) => t.getOpportunity(opportunity.id))).rejects.toMatchObject({ code: 'not_found', field: 'opportunity' });
			const events = await store.read((t) => t.readEvents({ after: 0 }));
			expect(events.filter((e) => e.leadId === lead.id).map((e) => e.type)).toEqual(['lead.created', 'opportunity.created', 'lead.deleted']);
		});

		it('deletes one opportunity', async () => {
			const lead = await newLead();
			const { opportunity } = await create(lead.id);
			expect(await store.transaction((t) => t.deleteOpportunity(opportunity.id))).toEqual({ id: opportunity.id, leadId: lead.id, deleted: true });
			await expect(store.read((t) => t.getOpportunity(opportunity.id))).rejects.toMatchObject({ code: 'not_found' });
		});
	});

	describe('statuses', () => {
		it('are seeded Active, Won, Lost; can be created, renamed, re-kinded and reordered', async () => {
			const s = await backend().open();
			expect((await s.read((t) => t.listOpportunityStatuses())).map((x) => [x.name, x.kind])).toEqual([
				['Active', 'active'],
				['Won', 'won'],
				['Lost', 'lost'],
			]);
			const proposal = await s.transaction((t) => t.createOpportunityStatus({ name: 'Proposal', position: 2 }));
			expect(proposal).toMatchObject({ name: 'Proposal', kind: 'active', position: 2 });
			await s.transaction((t) => t.updateOpportunityStatus('Lost', { name: 'Lost deal' }));
			const order = await s.transaction((t) => t.reorderOpportunityStatuses(['Won', 'Proposal']));
			expect(order.map((x) => x.name)).toEqual(['Won', 'Proposal', 'Active', 'Lost deal']);
			// The first active status is where new opportunities start.
			const lead = await s.transaction((t) => t.createLead({ name: 'X' }));
			expect((await s.transaction((t) => t.createOpportunity(lead.id, {}))).opportunity.status.name).toBe('Proposal');
		});

		it('refuses a duplicate name, an unknown kind, and losing the last active status', async () => {
			const s = await backend().open();
			await expectRefusedCleanly(s, (t) => t.createOpportunityStatus({ name: 'won' }), 'conflict', 'name');
			await expectRefusedCleanly(s, (t) => t.createOpportunityStatus({ name: 'Paused', kind: 'open' }), 'invalid', 'kind');
			await expectRefusedCleanly(s, (t) => t.updateOpportunityStatus('Active', { kind: 'won' }), 'conflict', 'kind');
		});
	});
});
