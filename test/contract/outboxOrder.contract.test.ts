/**
 * The outbox trap (DESIGN.md): on PostgreSQL, event ids come from a sequence at insert but
 * transactions commit in any order, so a cursor on id alone can step over an id that commits
 * later. Writers take no common lock: each event stores its transaction's id (xid), readers
 * take only events of transactions below the oldest one still running, in (xid, id) order
 * (core/store/events.ts has the proof).
 *
 * Proved here with real transactions on separate stores (separate connections) over the same
 * data, a feed polling all along; and, as a negative control, the trap itself reproduced with
 * raw INSERTs on plain pg clients: a naive id cursor skips the late committer.
 */
import { Client } from 'pg';
import { comparePositions, startEventFeed, type DeliveredEvent, type Lead, type LeadStore } from '../../core';
import { forEachBackend, postgresAvailable } from '../support/backends';
import { closer, collector, sleep } from '../support/delivery';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pgConfig } = require('../support/pgConfig');

function deferred() {
	let resolve!: () => void;
	const promise = new Promise<void>((r) => (resolve = r));
	return { promise, resolve };
}

forEachBackend((backend) => {
	const track = closer();

	const feedOn = async (reader: LeadStore, nodeId: string) => {
		const got = collector<DeliveredEvent>();
		const feed = track(
			await startEventFeed(reader, { workflowId: 'wf', nodeId, startFrom: 'now', criteria: { kind: 'lead.created' }, emit: got.emit, pollIntervalMs: 20 }),
		);
		return { got, feed };
	};
	const poll = async (feed: { wake(): void; idle(): Promise<void> }) => {
		feed.wake();
		await feed.idle();
	};

	it('two writers on different leads overlap, the later-starting one commits first: the feed delivers both, in order, none skipped, none twice', async () => {
		const config = backend().freshConfig();
		const first = await backend().open({}, config);
		const second = await backend().open({}, config);
		const reader = await backend().open({}, config);
		const { got, feed } = await feedOn(reader, 'overlap');
		const startCursor = feed.cursor;

		const held = deferred();
		const wrote = deferred();
		const firstTx = first.transaction(async (t) => {
			const lead = await t.createLead({ name: 'first' }); // the earlier event id and transaction
			wrote.resolve();
			await held.promise; // ...kept open
			return lead;
		});
		await wrote.promise;
		let secondDone = false;
		const secondTx = second.transaction((t) => t.createLead({ name: 'second' })).then((lead: Lead) => ((secondDone = true), lead));
		let secondLead: Lead | undefined;
		try {
			if (backend().name === 'postgres') {
				// No writer lock: the later writer commits while the earlier one is still open...
				secondLead = await secondTx;
				expect(secondDone).toBe(true);
			} else {
				// ...while SQLite has one writer per file: the second waits for the first.
				await sleep(300);
				expect(secondDone).toBe(false);
			}
			// A reader polling now must not take the committed later event: it would pass the
			// earlier one, which commits next.
			await poll(feed);
			await sleep(50);
			await poll(feed);
			expect(got.items).toEqual([]);
			expect(feed.cursor).toEqual(startCursor);
		} finally {
			held.resolve();
		}
		const a = await firstTx;
		const b = secondLead ?? (await secondTx);
		await got.until(2);
		await poll(feed);
		await sleep(50);
		await poll(feed);
		expect(got.items.map((e) => e.lead.id)).toEqual([a.id, b.id]);
		expect(comparePositions(got.items[0].position, got.items[1].position)).toBeLessThan(0);
		expect(comparePositions(feed.cursor, got.items[1].position)).toBe(0);
	});

	it('a transaction that started first but writes its event last is delivered first, and nothing is skipped', async () => {
		const config = backend().freshConfig();
		const early = await backend().open({}, config);
		const late = await backend().open({}, config);
		const reader = await backend().open({}, config);
		const { got, feed } = await feedOn(reader, 'early-xid');

		const held = deferred();
		const begun = deferred();
		// A write without an event gives the transaction its id now; its event comes later.
		const earlyTx = early.transaction(async (t) => {
			await t.createMember({ name: 'Early', email: 'early@example.com' });
			begun.resolve();
			await held.promise;
			return t.createLead({ name: 'early' });
		});
		await begun.promise;
		const lateTx = late.transaction((t) => t.createLead({ name: 'late' }));
		if (backend().name === 'postgres') {
			await lateTx; // committed, with a lower event id than the early writer will get
			await poll(feed);
			expect(got.items).toEqual([]);
		}
		held.resolve();
		const [e, l] = await Promise.all([earlyTx, lateTx]);
		await got.until(2);
		await poll(feed);
		const delivered = got.items.map((x) => x.lead.id);
		expect(new Set(delivered).size).toBe(2);
		expect(delivered.sort()).toEqual([e.id, l.id].sort());
		if (backend().name === 'postgres') {
			// Delivery follows the transactions, not the ids: the early one first.
			expect(got.items.map((x) => x.lead.name)).toEqual(['early', 'late']);
			expect(got.items[0].eventId).toBeGreaterThan(got.items[1].eventId);
		}
	});

	it('many concurrent writers on separate connections, a feed polling all along: every event delivered once, in order', async () => {
		const config = backend().freshConfig();
		const writers: LeadStore[] = [];
		for (let i = 0; i < 6; i++) writers.push(await backend().open({}, config));
		const reader = await backend().open({}, config);
		const { got } = await feedOn(reader, 'many');
		await Promise.all(
			writers.map(async (store, w) => {
				for (let i = 0; i < 15; i++) {
					await store.transaction(async (t) => {
						await t.createLead({ name: `w${w}-${i}` });
						// Hold some transactions open a moment, so commits overtake each other.
						if ((w + i) % 3 === 0) await sleep(3);
					});
				}
			}),
		);
		await got.until(90);
		await sleep(100);
		const positions = got.items.map((e) => e.position);
		expect(new Set(got.items.map((e) => e.eventId)).size).toBe(90);
		expect(positions).toEqual([...positions].sort(comparePositions));
		expect(got.items).toHaveLength(90);
	});
});

(postgresAvailable() ? describe : describe.skip)('[postgres] negative control: the trap without the lock', () => {
	const schema = `lead_trap_${process.pid}_${Date.now().toString(36)}`;
	const clients: Client[] = [];
	const connect = async () => {
		const client = new Client({ ...pgConfig(), options: `-c search_path=${schema}` });
		await client.connect();
		clients.push(client);
		return client;
	};

	beforeAll(async () => {
		const admin = await connect();
		await admin.query(`CREATE SCHEMA "${schema}"`);
		await admin.query(`CREATE TABLE "${schema}".events (id BIGSERIAL PRIMARY KEY, type TEXT NOT NULL)`);
	});
	afterAll(async () => {
		await clients[0].query(`DROP SCHEMA "${schema}" CASCADE`);
		await Promise.all(clients.map((c) => c.end()));
	});

	it('a naive id cursor skips the earlier id when the later one commits first', async () => {
		const early = await connect();
		const late = await connect();
		const reader = await connect();
		const insert = async (c: Client) => Number((await c.query(`INSERT INTO events (type) VALUES ('lead.created') RETURNING id`)).rows[0].id);
		await early.query('BEGIN');
		const earlyId = await insert(early);
		await late.query('BEGIN');
		const lateId = await insert(late); // no lock: it does not wait
		expect(lateId).toBeGreaterThan(earlyId);
		await late.query('COMMIT'); // the later id commits first

		let cursor = 0;
		const seen: number[] = [];
		const poll = async () => {
			const { rows } = await reader.query('SELECT id FROM events WHERE id > $1 ORDER BY id', [cursor]);
			for (const r of rows) {
				seen.push(Number(r.id));
				cursor = Number(r.id);
			}
		};
		await poll();
		expect(seen).toEqual([lateId]);
		await early.query('COMMIT');
		await poll();
		expect(seen).toEqual([lateId]); // earlyId is committed now, and the cursor has passed it
		const all = (await reader.query('SELECT id FROM events ORDER BY id')).rows.map((r) => Number(r.id));
		expect(all).toEqual([earlyId, lateId]);
	});
});
