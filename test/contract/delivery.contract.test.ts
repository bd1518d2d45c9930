/**
 * Event-trigger delivery on a real store (both backends): subscriptions, the feed, manual
 * samples. Each case opens its own store, so cursors and clocks never leak between cases.
 */
import {
	isLeadStoreError,
	sampleEvent,
	startEventFeed,
	type DeliveredEvent,
	type EventFeedOptions,
	type LeadStageChangedDelivery,
	type LeadStore,
} from '../../core';
import { forEachBackend, manualClock } from '../support/backends';
import { closer, collector, sleep, waitFor } from '../support/delivery';
import { settled } from '../support/settled';

const HOUR = 3_600_000;

forEachBackend((backend) => {
	const track = closer();
	let n = 0;
	const names = (events: DeliveredEvent[]) => events.map((e) => e.lead.name);

	async function feed(store: LeadStore, emit: EventFeedOptions['emit'], overrides: Partial<EventFeedOptions> = {}) {
		return track(
			await startEventFeed(store, {
				workflowId: 'wf1',
				nodeId: `node${++n}`,
				startFrom: 'now',
				criteria: { kind: 'lead.created' },
				emit,
				retryInitialMs: 20,
				...overrides,
			} as EventFeedOptions),
		);
	}
	const create = (store: LeadStore, name: string, fields: Record<string, unknown> = {}) =>
		store.transaction((t) => t.createLead({ name, ...fields }));
	const storedCursor = (store: LeadStore, workflowId: string, nodeId: string) =>
		store.read(async (t) => (await t.findSubscription(workflowId, nodeId))!.cursor.id);
	const latestId = (store: LeadStore) => store.read((t) => t.latestEventId());
	/**
	 * Lets every event settle (on PostgreSQL another session's open transaction can hold them
	 * back), then lets the feed read them: its cursor can then be compared with the newest id.
	 */
	const caughtUp = async (store: LeadStore, f: { wake(): void; idle(): Promise<void> }) => {
		await settled(store);
		f.wake();
		await f.idle();
	};

	it('a first activation starts from now: history is not replayed', async () => {
		const store = await backend().open();
		await create(store, 'old 1');
		await create(store, 'old 2');
		const got = collector<DeliveredEvent>();
		const f = await feed(store, got.emit);
		// Not the raw newest id: on PostgreSQL the cursor is the newest settled position, which an
		// unrelated open transaction on the server can hold back. What the user sees is below.
		expect(f.subscription.cursor.id).toBeLessThanOrEqual(await latestId(store));
		await create(store, 'new 1');
		await create(store, 'new 2');
		await got.until(2);
		f.wake();
		await f.idle();
		expect(names(got.items)).toEqual(['new 1', 'new 2']);
	});

	it('delivers every event once, in the outbox read order, under a burst of concurrent writers', async () => {
		const store = await backend().open();
		const got = collector<DeliveredEvent>();
		await feed(store, got.emit);
		await Promise.all(Array.from({ length: 40 }, (_, i) => create(store, `burst ${i}`)));
		await got.until(40);
		await sleep(50);
		const ids = got.items.map((e) => e.eventId);
		expect(new Set(ids).size).toBe(40);
		const created = await store.read((t) => t.readEvents({ after: 0, types: ['lead.created'] }));
		const readOrder = [...created].sort((a, b) => a.xid - b.xid || a.id - b.id); // (xid, id): see store/events.ts
		expect(ids).toEqual(readOrder.map((e) => e.id));
	});

	it('hands over the whole lead, the event id, time, actor and causation depth', async () => {
		const clock = manualClock();
		const store = await backend().open({ clock });
		const owner = await store.transaction((t) => t.createMember({ name: 'Ana', email: 'ana@example.com' }));
		const got = collector<DeliveredEvent>();
		await feed(store, got.emit);
		const lead = await store.transaction((t) =>
			t.createLead(
				{ name: 'Jo', email: 'jo@example.com', source: 'Web', owner: owner.id, custom: { budget: 5 } },
				{ actor: { kind: 'workflow', workflowId: 'wfX', executionId: '77' }, causationDepth: 2 },
			),
		);
		await got.until(1);
		const [event] = got.items;
		expect(event).toMatchObject({
			type: 'lead.created',
			occurredAt: clock(),
			actor: { kind: 'workflow', workflowId: 'wfX', executionId: '77' },
			causationDepth: 2,
			lead,
		});
		expect(event.lead.stage).toEqual({ id: lead.stage.id, name: 'New', kind: 'open', position: 1 });
		expect(event.lead.owner).toMatchObject({ id: owner.id, name: 'Ana' });
		const [stored] = await store.read((t) => t.readEvents({ after: 0, types: ['lead.created'] }));
		expect(event.eventId).toBe(stored.id);
	});

	it('filters by the audience inside the query, and moves the cursor past what it skips', async () => {
		const store = await backend().open();
		const got = collector<DeliveredEvent>();
		const f = await feed(store, got.emit, {
			criteria: { kind: 'lead.created', filter: { combinator: 'and', conditions: [{ field: 'source', operator: 'equals', value: 'facebook' }] } },
		});
		await create(store, 'skip 1', { source: 'Web' });
		await create(store, 'take 1', { source: 'Facebook' });
		await create(store, 'skip 2');
		await store.transaction((t) => t.logActivity(1, { kind: 'call' })); // another type, also skipped
		await got.until(1);
		f.wake();
		await f.idle();
		expect(names(got.items)).toEqual(['take 1']);
		await caughtUp(store, f);
		expect(await storedCursor(store, 'wf1', f.subscription.nodeId)).toBe(await latestId(store));
	});

	it('skips events whose lead was deleted before delivery, still advancing', async () => {
		const store = await backend().open();
		const got = collector<DeliveredEvent>();
		const f = await feed(store, got.emit, { pollIntervalMs: 60_000 });
		await f.close(); // stop it while the writes happen, then resume
		const gone = await create(store, 'gone');
		await store.transaction((t) => t.deleteLead(gone.id));
		await create(store, 'kept');
		const resumed = await feed(store, got.emit, { nodeId: f.subscription.nodeId, startFrom: 'resume' });
		await got.until(1);
		resumed.wake();
		await resumed.idle();
		expect(names(got.items)).toEqual(['kept']);
		await caughtUp(store, resumed);
		expect(await storedCursor(store, 'wf1', f.subscription.nodeId)).toBe(await latestId(store));
	});

	it('a restart (close, writes meanwhile, resume) loses and duplicates nothing', async () => {
		const store = await backend().open();
		const got = collector<DeliveredEvent>();
		const first = await feed(store, got.emit);
		const nodeId = first.subscription.nodeId;
		for (let i = 0; i < 5; i++) await create(store, `before ${i}`);
		await got.until(5);
		await first.close();
		for (let i = 0; i < 5; i++) await create(store, `while down ${i}`);
		expect(got.items).toHaveLength(5);
		const second = await feed(store, got.emit, { nodeId, startFrom: 'resume' });
		expect(second.subscription.resumed).toBe(true);
		for (let i = 0; i < 3; i++) await create(store, `after ${i}`);
		await got.until(13);
		second.wake();
		await second.idle();
		expect(names(got.items)).toEqual([
			...[0, 1, 2, 3, 4].map((i) => `before ${i}`),
			...[0, 1, 2, 3, 4].map((i) => `while down ${i}`),
			...[0, 1, 2].map((i) => `after ${i}`),
		]);
	});

	it('a re-activation (publish again) starts from now and resets the old cursor', async () => {
		const store = await backend().open();
		const got = collector<DeliveredEvent>();
		const first = await feed(store, got.emit);
		await first.close();
		await create(store, 'while unpublished');
		await settled(store); // "now" is the newest settled event: let 'while unpublished' settle first
		const again = await feed(store, got.emit, { nodeId: first.subscription.nodeId, startFrom: 'now' });
		expect(again.subscription.resumed).toBe(false);
		expect(again.subscription.cursor.id).toBe(await latestId(store));
		await create(store, 'after publish');
		await got.until(1);
		again.wake();
		await again.idle();
		expect(names(got.items)).toEqual(['after publish']);
	});

	it('resuming skips events older than the catch-up window', async () => {
		const clock = manualClock();
		const store = await backend().open({ clock });
		const got = collector<DeliveredEvent>();
		const first = await feed(store, got.emit);
		await first.close();
		await create(store, 'too old');
		clock.advance(2 * HOUR);
		await create(store, 'recent');
		clock.advance(23 * HOUR); // "too old" is 25 h old now, "recent" 23 h
		const resumed = await feed(store, got.emit, { nodeId: first.subscription.nodeId, startFrom: 'resume', catchUpWindowMs: 24 * HOUR });
		await got.until(1);
		resumed.wake();
		await resumed.idle();
		expect(names(got.items)).toEqual(['recent']);
		await caughtUp(store, resumed);
		expect(resumed.cursor.id).toBe(await latestId(store));
	});

	it('resuming a node that never had a subscription starts from now', async () => {
		const store = await backend().open();
		await create(store, 'history');
		const got = collector<DeliveredEvent>();
		const f = await feed(store, got.emit, { startFrom: 'resume' });
		expect(f.subscription.resumed).toBe(false);
		await create(store, 'fresh');
		await got.until(1);
		f.wake();
		await f.idle();
		expect(names(got.items)).toEqual(['fresh']);
	});

	/** An emit whose hand-overs stay open until the test settles or fails them, like runs in n8n. */
	function openHandOvers() {
		const calls: Array<{ name: string | null; key: string; settle(): void; fail(error: Error): void }> = [];
		const emit = (items: DeliveredEvent[], key: string) =>
			new Promise<void>((resolve, reject) => calls.push({ name: items[0].lead.name, key, settle: resolve, fail: reject }));
		const until = (n: number) => waitFor(() => calls.length >= n, `${n} hand-overs (have ${calls.length})`);
		return { calls, emit, until };
	}
	const eventIdOf = async (store: LeadStore, leadId: number) =>
		store.read(async (t) => Number((await t.tx.s.get<{ id: number }>("SELECT id FROM events WHERE lead_id = $1 AND type = 'lead.created'", [leadId]))!.id));

	it('each event goes out under its own key; the saved cursor passes only events whose hand-over settled', async () => {
		const store = await backend().open();
		const hand = openHandOvers();
		const f = await feed(store, hand.emit);
		const nodeId = f.subscription.nodeId;
		const start = await storedCursor(store, 'wf1', nodeId);
		const leads = [await create(store, 'a'), await create(store, 'b'), await create(store, 'c')];
		const ids = await Promise.all(leads.map((l) => eventIdOf(store, l.id)));
		await hand.until(3);
		expect(hand.calls.map((c) => c.key)).toEqual(ids.map((id) => `lead:wf1:${nodeId}:${f.subscription.createdAt}:${id}`));
		// The cursor a woken feed has saved a moment later (it must not move: nothing to wait for).
		const saved = async () => {
			f.wake();
			await sleep(50);
			return storedCursor(store, 'wf1', nodeId);
		};
		// The cursor once the feed has saved it there (a loaded machine takes longer than a moment).
		const savedAt = async (id: number) => {
			const deadline = Date.now() + 5_000;
			let at = await saved();
			while (at !== id && Date.now() < deadline) at = await saved();
			return at;
		};
		expect(await saved()).toBe(start);
		hand.calls[1].settle(); // b's run ended, a's has not: a restart must still hand a over
		expect(await saved()).toBe(start);
		hand.calls[0].settle();
		expect(await savedAt(ids[1])).toBe(ids[1]);
		hand.calls[2].settle();
		expect(await savedAt(ids[2])).toBe(ids[2]);
	});

	it('a restart hands over again, same keys, everything after the cursor; the runner refuses what it took, the rest runs once', async () => {
		const store = await backend().open();
		const hand = openHandOvers();
		const first = await feed(store, hand.emit);
		const nodeId = first.subscription.nodeId;
		for (const name of ['taken, settled', 'taken, run cut short', 'never reached n8n']) await create(store, name);
		await hand.until(3);
		hand.calls[0].settle();
		await first.close(); // the crash: the second is stored in n8n, the third never got there
		const n8n = collector<DeliveredEvent>({ keys: new Set(hand.calls.slice(0, 2).map((c) => c.key)) });
		const second = await feed(store, n8n.emit, { nodeId, startFrom: 'resume' });
		await create(store, 'after the restart');
		await n8n.until(2);
		second.wake();
		await second.idle();
		expect(n8n.refused).toBe(1);
		expect(names(n8n.items)).toEqual(['never reached n8n', 'after the restart']);
		expect(n8n.keys.has(hand.calls[2].key)).toBe(true);
		await caughtUp(store, second);
		expect(await storedCursor(store, 'wf1', nodeId)).toBe(await latestId(store));
	});

	it('keeps at most maxInFlight hand-overs open, and delivers the rest in order as runs end', async () => {
		const store = await backend().open();
		const hand = openHandOvers();
		const f = await feed(store, hand.emit, { maxInFlight: 3 });
		for (let i = 0; i < 8; i++) await create(store, `w${i}`);
		await hand.until(3);
		await sleep(100);
		expect(hand.calls).toHaveLength(3);
		expect(f.inFlightCount).toBe(3);
		for (let settled = 0; settled < 8; settled++) {
			await hand.until(Math.min(8, settled + 3));
			expect(f.inFlightCount).toBeLessThanOrEqual(3);
			hand.calls[settled].settle();
		}
		await f.idle();
		expect(hand.calls.map((c) => c.name)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => `w${i}`));
		await caughtUp(store, f);
		expect(await storedCursor(store, 'wf1', f.subscription.nodeId)).toBe(await latestId(store));
	});

	it('a hand-over that fails is reported and handed over again with the same key; nothing is dropped or run twice', async () => {
		const store = await backend().open();
		const got = collector<DeliveredEvent>();
		const errors: Array<{ message: string; attempt: number }> = [];
		const f = await feed(store, got.emit, { onError: (e, info) => errors.push({ message: e.message, attempt: info.attempt }) });
		await create(store, 'one');
		await got.until(1);
		got.failTimes(3);
		await create(store, 'two');
		await create(store, 'three');
		await got.until(3);
		f.wake();
		await f.idle();
		expect(names(got.items).sort()).toEqual(['one', 'three', 'two']);
		expect(got.keys.size).toBe(3);
		expect(errors.length).toBeGreaterThanOrEqual(1);
		expect(errors.map((e) => e.attempt)).toEqual(errors.map((_, i) => i + 1));
		expect(errors[0].message).toMatch(/emit failed/);
		await caughtUp(store, f);
		expect(await storedCursor(store, 'wf1', f.subscription.nodeId)).toBe(await latestId(store));
	});

	it('a failed hand-over holds the stored cursor before its event, so a restart delivers it', async () => {
		const store = await backend().open();
		const got = collector<DeliveredEvent>();
		const f = await feed(store, got.emit, { retryInitialMs: 60_000 });
		const before = await storedCursor(store, 'wf1', f.subscription.nodeId);
		got.failTimes(1);
		await create(store, 'retry me');
		await waitFor(() => got.calls >= 1, 'the failing hand-over');
		await create(store, 'after it');
		await sleep(100);
		await f.close();
		expect(await storedCursor(store, 'wf1', f.subscription.nodeId)).toBe(before);
		const again = await feed(store, got.emit, { nodeId: f.subscription.nodeId, startFrom: 'resume' });
		await got.until(1);
		await again.idle();
		expect(names(got.items)).toEqual(['retry me', 'after it']);
	});

	it('close stops delivery: nothing is emitted after close, and closing twice is fine', async () => {
		const store = await backend().open();
		const got = collector<DeliveredEvent>();
		const f = await feed(store, got.emit);
		await f.close();
		await f.close();
		await create(store, 'after close');
		await sleep(300);
		expect(got.items).toEqual([]);
	});

	describe('Lead Status Changed', () => {
		it('delivers moves to the chosen stages, with previous and new stage, when and who', async () => {
			const clock = manualClock();
			const store = await backend().open({ clock });
			const a = await create(store, 'A');
			const b = await create(store, 'B');
			const got = collector<DeliveredEvent>();
			await feed(store, got.emit, { criteria: { kind: 'lead.stage_changed', toStages: ['Qualified', 'Won'] } });
			clock.advance(1000);
			await store.transaction((t) => t.changeStage(a.id, 'Contacted', {}, { actor: { kind: 'person', name: 'Sam' } }));
			await store.transaction((t) => t.changeStage(a.id, 'Qualified', {}, { actor: { kind: 'workflow', workflowId: 'w', executionId: '9' }, causationDepth: 1 }));
			await store.transaction((t) => t.changeStage(b.id, 'Won', {}, { actor: { kind: 'import', name: 'csv' } }));
			await got.until(2);
			const [qualified, won] = got.items as LeadStageChangedDelivery[];
			expect(qualified).toMatchObject({
				type: 'lead.stage_changed',
				previousStage: { name: 'Contacted', kind: 'open' },
				newStage: { name: 'Qualified', kind: 'open' },
				changedAt: clock(),
				changedBy: { kind: 'workflow', workflowId: 'w', executionId: '9' },
				causationDepth: 1,
				lead: { id: a.id, stage: { name: 'Qualified' } },
			});
			expect(won).toMatchObject({ previousStage: { name: 'New' }, newStage: { name: 'Won', kind: 'won' }, changedBy: { kind: 'import', name: 'csv' } });
		});

		it('honours from-stages, Any, and the audience filter', async () => {
			const store = await backend().open();
			const web = await create(store, 'web', { source: 'Web' });
			const ads = await create(store, 'ads', { source: 'Ads' });
			const any = collector<DeliveredEvent>();
			const fromContacted = collector<DeliveredEvent>();
			const adsOnly = collector<DeliveredEvent>();
			await feed(store, any.emit, { criteria: { kind: 'lead.stage_changed', toStages: 'any' } });
			await feed(store, fromContacted.emit, { criteria: { kind: 'lead.stage_changed', toStages: ['any'], fromStages: ['Contacted'] } });
			await feed(store, adsOnly.emit, {
				criteria: { kind: 'lead.stage_changed', toStages: 'Contacted, Qualified', filter: { combinator: 'and', conditions: [{ field: 'source', operator: 'equals', value: 'ads' }] } },
			});
			await store.transaction((t) => t.changeStage(web.id, 'Contacted'));
			await store.transaction((t) => t.changeStage(ads.id, 'Contacted'));
			await store.transaction((t) => t.changeStage(web.id, 'Qualified'));
			await store.transaction((t) => t.changeStage(ads.id, 'Lost'));
			await any.until(4);
			await fromContacted.until(2);
			await adsOnly.until(1);
			await sleep(100);
			const moves = (c: { items: DeliveredEvent[] }) => (c.items as LeadStageChangedDelivery[]).map((e) => `${e.lead.name}:${e.previousStage.name}>${e.newStage.name}`);
			expect(moves(any)).toEqual(['web:New>Contacted', 'ads:New>Contacted', 'web:Contacted>Qualified', 'ads:Contacted>Lost']);
			expect(moves(fromContacted)).toEqual(['web:Contacted>Qualified', 'ads:Contacted>Lost']);
			expect(moves(adsOnly)).toEqual(['ads:New>Contacted']);
		});

		it('refuses settings it cannot honour, naming the field', async () => {
			const store = await backend().open();
			const refused = async (criteria: unknown) =>
				feed(store, () => undefined, { criteria: criteria as EventFeedOptions['criteria'] }).then(
					() => {
						throw new Error('expected a refusal');
					},
					(e) => e,
				);
			const none = await refused({ kind: 'lead.stage_changed', toStages: [] });
			expect(isLeadStoreError(none) && none.field).toBe('toStages');
			const unknown = await refused({ kind: 'lead.stage_changed', toStages: ['Negotiation'] });
			expect(unknown).toMatchObject({ code: 'not_found', field: 'toStages' });
			const badFrom = await refused({ kind: 'lead.stage_changed', toStages: 'any', fromStages: ['Nope'] });
			expect(badFrom).toMatchObject({ code: 'not_found', field: 'fromStages' });
			const badFilter = await refused({ kind: 'lead.created', filter: { combinator: 'and', conditions: [{ field: 'source', operator: 'before', value: 1 }] } });
			expect(badFilter).toMatchObject({ code: 'invalid', field: 'filter.conditions[0].operator' });
		});
	});

	describe('manual mode', () => {
		it('samples the latest matching event without opening or moving any cursor', async () => {
			const store = await backend().open();
			const got = collector<DeliveredEvent>();
			const f = await feed(store, got.emit);
			await f.close();
			const cursor = await storedCursor(store, 'wf1', f.subscription.nodeId);
			await create(store, 'first', { source: 'Ads' });
			await create(store, 'second', { source: 'Web' });
			await create(store, 'third', { source: 'Ads' });
			const sample = await sampleEvent(store, { kind: 'lead.created', filter: { combinator: 'and', conditions: [{ field: 'source', operator: 'equals', value: 'ads' }] } });
			expect(sample?.lead.name).toBe('third');
			expect(await storedCursor(store, 'wf1', f.subscription.nodeId)).toBe(cursor);
			const subscriptions = await store.read((t) => t.tx.s.all('SELECT * FROM subscriptions'));
			expect(subscriptions).toHaveLength(1);
		});

		it('waits for the next matching event when none exists, and can be aborted', async () => {
			const store = await backend().open();
			const pending = sampleEvent(store, { kind: 'lead.stage_changed', toStages: ['Qualified'] }, { pollIntervalMs: 50 });
			const lead = await create(store, 'mover');
			await sleep(30);
			await store.transaction((t) => t.changeStage(lead.id, 'Contacted'));
			await store.transaction((t) => t.changeStage(lead.id, 'Qualified'));
			const sample = (await pending) as LeadStageChangedDelivery;
			expect(sample).toMatchObject({ type: 'lead.stage_changed', newStage: { name: 'Qualified' }, previousStage: { name: 'Contacted' } });

			const controller = new AbortController();
			const never = sampleEvent(store, { kind: 'lead.stage_changed', toStages: ['Lost'] }, { signal: controller.signal });
			setTimeout(() => controller.abort(), 50);
			expect(await never).toBeNull();
			expect(await sampleEvent(store, { kind: 'lead.stage_changed', toStages: ['Lost'] }, { wait: false })).toBeNull();
			expect(await sampleEvent(store, { kind: 'lead.stage_changed', toStages: ['Lost'] }, { timeoutMs: 30 })).toBeNull();
		});
	});
});
