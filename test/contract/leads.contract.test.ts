import { isLeadStoreError, LeadStoreError, type LeadStore } from '../../core';
import { forEachBackend, manualClock } from '../support/backends';

const expectStoreError = async (promise: Promise<unknown>, code: LeadStoreError['code'], field?: string) => {
	const error = await promise.then(
		() => {
			throw new Error('expected the store to refuse');
		},
		(e) => e,
	);
	expect(isLeadStoreError(error)).toBe(true);
	expect(error.code).toBe(code);
	if (field) expect(error.field).toBe(field);
	return error as LeadStoreError;
};

forEachBackend((backend) => {
	let store: LeadStore;
	const clock = manualClock();

	beforeAll(async () => {
		store = await backend().open({ clock });
	});

	describe('stages', () => {
		it('seeds the default pipeline in order, Won and Lost closing it', async () => {
			const stages = await store.read((t) => t.listStages());
			expect(stages.map((s) => [s.name, s.kind])).toEqual([
				['New', 'open'],
				['Contacted', 'open'],
				['Qualified', 'open'],
				['Unresponsive', 'open'],
				['Won', 'won'],
				['Lost', 'lost'],
			]);
		});

		it('creates, renames and reorders stages; names stay unique ignoring case', async () => {
			const demo = await store.transaction((t) => t.createStage({ name: 'Demo booked', position: 3 }));
			expect(demo.position).toBe(3);
			await expectStoreError(store.transaction((t) => t.createStage({ name: 'demo BOOKED' })), 'conflict', 'name');
			const renamed = await store.transaction((t) => t.updateStage('Demo booked', { name: 'Demo' }));
			expect(renamed.name).toBe('Demo');
			const order = await store.transaction((t) => t.reorderStages(['Qualified', 'Demo', 'New']));
			expect(order.slice(0, 4).map((s) => s.name)).toEqual(['Qualified', 'Demo', 'New', 'Contacted']);
			expect(order.map((s) => s.position)).toEqual(order.map((_, i) => i + 1));
			await store.transaction((t) => t.reorderStages(['New', 'Contacted', 'Qualified', 'Demo']));
		});

		it('refuses an unknown stage, listing the ones that exist', async () => {
			const error = await expectStoreError(store.read((t) => t.getStage('Negotiation')), 'not_found', 'stage');
			expect(error.message).toMatch(/Negotiation.*New, Contacted/);
		});
	});

	describe('members', () => {
		it('creates, finds by email, deactivates', async () => {
			const ana = await store.transaction((t) => t.createMember({ name: 'Ana', email: 'Ana@Example.com' }));
			expect(ana).toMatchObject({ name: 'Ana', email: 'ana@example.com', active: true });
			expect((await store.read((t) => t.getMember('ana@example.com'))).id).toBe(ana.id);
			const off = await store.transaction((t) => t.updateMember(ana.id, { active: false }));
			expect(off.active).toBe(false);
			expect((await store.read((t) => t.listMembers({ activeOnly: true }))).map((m) => m.id)).not.toContain(ana.id);
			await expectStoreError(store.transaction((t) => t.createMember({ name: 'Copy', email: 'ana@example.com' })), 'conflict', 'email');
		});
	});

	describe('leads', () => {
		it('creates a lead in the first open stage, with its creation as the first activity', async () => {
			const lead = await store.transaction((t) =>
				t.createLead({ name: 'Jo Doe', email: 'JO@example.com', source: 'Facebook Ads', priority: 'High', custom: { budget: 5000 } }),
			);
			expect(lead).toMatchObject({
				name: 'Jo Doe',
				email: 'jo@example.com',
				stage: { name: 'New', kind: 'open' },
				priority: 'high',
				custom: { budget: 5000 },
				lastActivityAt: clock(),
				lastActivityKind: 'created',
				owner: null,
			});
			const again = await store.read((t) => t.getLead(lead.id));
			expect(again).toEqual(lead);
		});

		it('updates only empty fields unless told to overwrite', async () => {
			const lead = await store.transaction((t) => t.createLead({ name: 'Kim', source: 'Web', custom: { a: 1 } }));
			const soft = await store.transaction((t) =>
				t.updateLead(lead.id, { name: 'Kimberly', phone: '+1 555 0100', source: 'Referral', custom: { a: 2, b: 3 } }, { overwrite: false }),
			);
			expect(soft.lead).toMatchObject({ name: 'Kim', phone: '+1 555 0100', source: 'Web', custom: { a: 1, b: 3 } });
			expect(soft.changed.sort()).toEqual(['custom', 'phone']);
			const hard = await store.transaction((t) => t.updateLead(lead.id, { name: 'Kimberly', source: 'Referral' }, { overwrite: true }));
			expect(hard.lead).toMatchObject({ name: 'Kimberly', source: 'Referral' });
		});

		it('deletes a lead with its notes and activities, keeping the event', async () => {
			const lead = await store.transaction((t) => t.createLead({ name: 'Gone' }));
			await store.transaction((t) => t.deleteLead(lead.id));
			expect(await store.read((t) => t.findLead(lead.id))).toBeNull();
			await expectStoreError(store.read((t) => t.getLead(lead.id)), 'not_found', 'lead');
			const events = await store.read((t) => t.readEvents({ after: 0, types: ['lead.deleted'] }));
			expect(events.map((e) => e.leadId)).toContain(lead.id);
		});
	});
});
