/**
 * Opportunity events through the same durable delivery as the lead triggers (both backends):
 * each kind, the status and value and owner conditions and the lead audience filter evaluated in
 * the store's query, events of deleted opportunities or leads skipped, manual samples.
 */
import {
	sampleEvent,
	startEventFeed,
	type DeliveredEvent,
	type EventCriteriaInput,
	type EventFeedOptions,
	type LeadStore,
	type OpportunityStatusChangedDelivery,
} from '../../core';
import { forEachBackend } from '../support/backends';
import { closer, collector, sleep } from '../support/delivery';
import { settled } from '../support/settled';

forEachBackend((backend) => {
	const track = closer();
	let n = 0;
	let store: LeadStore;

	beforeAll(async () => {
		store = await backend().open();
	});

	/**
	 * Publishes a trigger (from now), stops it, lets `act` write, then resumes it from its cursor
	 * and waits until it has read past the last event: what it delivers is decided by the store
	 * as it is after `act`, not by a race with the writes.
	 */
	async function deliver(criteria: EventCriteriaInput, act: () => Promise<unknown>): Promise<DeliveredEvent[]> {
		const got = collector<DeliveredEvent>();
		const options = { workflowId: 'wf-opp', nodeId: `node${++n}`, criteria, emit: got.emit } as EventFeedOptions;
		await settled(store); // "now" is the newest settled event: earlier cases' events must not count
		await (await startEventFeed(store, { ...options, startFrom: 'now' })).close();
		await act();
		const feed = track(await startEventFeed(store, { ...options, startFrom: 'resume' }));
		const last = await store.read((t) => t.latestEventId());
		for (let i = 0; i < 500 && feed.cursor.id < last; i++) {
			feed.wake();
			await feed.idle();
			await sleep(10);
		}
		expect(feed.cursor.id).toBeGreaterThanOrEqual(last);
		return got.items;
	}
	const lead = (fields: Record<string, unknown> = {}) => store.transaction((t) => t.createLead({ name: 'Lee', ...fields }));
	const create = (leadId: number, input: Record<string, unknown> = {}) => store.transaction((t) => t.createOpportunity(leadId, input));
	const update = (id: number, fields: Record<string, unknown>) => store.transaction((t) => t.updateOpportunity(undefined, { id }, fields));

	it('created: one delivery per new opportunity, with the opportunity and its lead', async () => {
		let leadId = 0;
		const got = await deliver({ kind: 'opportunity.created' }, async () => {
			leadId = (await lead({ name: 'Ada' })).id;
			await create(leadId, { amount: 10 });
			await create(leadId, { amount: 20, currency: 'EUR' });
		});
		expect(got.map((e) => [e.type, e.lead.name, 'opportunity' in e ? e.opportunity.amount : null])).toEqual([
			['opportunity.created', 'Ada', 10],
			['opportunity.created', 'Ada', 20],
		]);
	});

	it('status changed to won statuses: previous and new status; other moves and other events are not delivered', async () => {
		const got = await deliver({ kind: 'opportunity.status_changed', toStatuses: ['Won'] }, async () => {
			const l = await lead();
			const { opportunity } = await create(l.id);
			await update(opportunity.id, { status: 'Lost' });
			await update(opportunity.id, { status: 'Won', note: 'signed' });
		});
		expect(got).toHaveLength(1);
		const event = got[0] as OpportunityStatusChangedDelivery;
		expect(event).toMatchObject({
			type: 'opportunity.status_changed',
			previousStatus: { name: 'Lost', kind: 'lost' },
			newStatus: { name: 'Won', kind: 'won' },
			opportunity: { status: { name: 'Won' }, note: 'signed' },
		});
	});

	it('from statuses, any target', async () => {
		const got = await deliver({ kind: 'opportunity.status_changed', toStatuses: 'any', fromStatuses: ['Lost'] }, async () => {
			const { opportunity } = await create((await lead()).id);
			await update(opportunity.id, { status: 'Won' });
			await update(opportunity.id, { status: 'Lost' });
			await update(opportunity.id, { status: 'Active' });
		});
		expect(got.map((e) => (e as OpportunityStatusChangedDelivery).newStatus.name)).toEqual(['Active']);
	});

	it('updated: every change, with the fields it changed', async () => {
		const got = await deliver({ kind: 'opportunity.updated' }, async () => {
			const { opportunity } = await create((await lead()).id);
			await update(opportunity.id, { confidence: 40 });
			await update(opportunity.id, { status: 'Won' });
		});
		expect(got.map((e) => (e.type === 'opportunity.updated' ? e.changedFields : null))).toEqual([['confidence'], ['status']]);
	});

	it('filters on status, value range (in each currency), owner and the lead audience filter, inside the query', async () => {
		const ana = await store.transaction((t) => t.createMember({ name: 'Ana', email: 'ana.delivery@example.com' }));
		const got = await deliver(
			{
				kind: 'opportunity.created',
				statuses: ['Active'],
				minAmount: '100',
				maxAmount: 1000,
				owner: 'ana.delivery@example.com',
				filter: { combinator: 'and', conditions: [{ field: 'source', operator: 'equals', value: 'web' }] },
			},
			async () => {
				const web = await lead({ source: 'Web', owner: ana.id, name: 'web' });
				const other = await lead({ source: 'Fair', owner: ana.id, name: 'fair' });
				await create(web.id, { amount: 500, note: 'yes' });
				await create(web.id, { amount: 99.99, note: 'too small' });
				await create(web.id, { amount: 1000.01, note: 'too big' });
				await create(web.id, { amount: 150, currency: 'JPY', note: 'yen in range' });
				await create(web.id, { amount: 500, status: 'Won', note: 'won already' });
				await create(web.id, { amount: 500, owner: null, note: 'nobody' });
				await create(web.id, { note: 'no value' });
				await create(other.id, { amount: 500, note: 'other audience' });
			},
		);
		expect(got.map((e) => ('opportunity' in e ? e.opportunity.note : null))).toEqual(['yes', 'yen in range']);
	});

	it('an opportunity deleted (or its lead deleted) before delivery is skipped, and delivery goes on', async () => {
		const got = await deliver({ kind: 'opportunity.created' }, async () => {
			const a = await lead({ name: 'gone' });
			await create(a.id);
			await store.transaction((t) => t.deleteLead(a.id));
			const b = await lead({ name: 'kept' });
			const { opportunity } = await create(b.id);
			await create(b.id);
			await store.transaction((t) => t.deleteOpportunity(opportunity.id));
		});
		expect(got.map((e) => e.lead.name)).toEqual(['kept']);
	});

	it('a manual sample is the latest matching event', async () => {
		const l = await lead({ name: 'Sampled' });
		const { opportunity } = await create(l.id, { amount: 7 });
		await update(opportunity.id, { status: 'Won' });
		const sample = await sampleEvent(store, { kind: 'opportunity.status_changed', toStatuses: ['won'] }, { wait: false });
		expect(sample).toMatchObject({ lead: { name: 'Sampled' }, opportunity: { id: opportunity.id }, newStatus: { name: 'Won' } });
	});

	it('refuses unknown statuses and a range upside down, naming the setting', async () => {
		const start = (criteria: EventCriteriaInput) =>
			startEventFeed(store, { workflowId: 'wf-opp', nodeId: `bad${++n}`, startFrom: 'now', criteria, emit: () => undefined } as EventFeedOptions);
		await expect(start({ kind: 'opportunity.status_changed', toStatuses: ['Signed'] })).rejects.toMatchObject({ code: 'not_found', field: 'toStatuses' });
		await expect(start({ kind: 'opportunity.created', statuses: 'Nope' })).rejects.toMatchObject({ code: 'not_found', field: 'statuses' });
		await expect(start({ kind: 'opportunity.created', minAmount: 10, maxAmount: 5 })).rejects.toMatchObject({ code: 'invalid', field: 'maxAmount' });
		await expect(start({ kind: 'opportunity.created', minAmount: -1 })).rejects.toMatchObject({ code: 'invalid', field: 'minAmount' });
	});
});
