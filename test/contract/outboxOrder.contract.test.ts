/**
 * The outbox trap (DESIGN.md): on PostgreSQL, event ids come from a sequence at insert but
 * transactions commit in any order, so a cursor on id alone can step over an id that commits
 * later. Our event writers take a transaction-level advisory lock before their first event
 * insert, so a second writer waits for the first to commit and ids follow commit order.
 *
 * Proved here with two real transactions on two stores (two connections) over the same data,
 * a feed reading all along; and, as a negative control, the trap itself reproduced with raw
 * INSERTs on plain pg clients (no lock): a naive id cursor skips the late committer.
 */
import { Client } from 'pg';
import { startEventFeed, type DeliveredEvent, type Lead, type LeadStore } from '../../core';
import { EVENT_WRITER_LOCK_KEY_SQL } from '../../core/store/events';
import { forEachBackend, postgresAvailable } from '../support/backends';
import { closer, collector, sleep } from '../support/delivery';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pgConfig } = require('../support/pgConfig');

forEachBackend((backend) => {
	const track = closer();

	it('a second writer waits for the first to commit, so the feed never skips an event', async () => {
		const config = backend().freshConfig();
		const first = await backend().open({}, config);
		const second = await backend().open({}, config);
		const reader = await backend().open({}, config);
		const got = collector<DeliveredEvent>();
		const feed = track(
			await startEventFeed(reader, { workflowId: 'wf', nodeId: 'order', startFrom: 'now', criteria: { kind: 'lead.created' }, emit: got.emit, pollIntervalMs: 20 }),
		);

		let release!: () => void;
		const held = new Promise<void>((resolve) => (release = resolve));
		let wrote!: () => void;
		const firstWrote = new Promise<void>((resolve) => (wrote = resolve));
		const firstTx = first.transaction(async (t) => {
			const lead = await t.createLead({ name: 'first' }); // takes the event id (and on PostgreSQL the lock)
			wrote();
			await held; // ...and keeps its transaction open
			return lead;
		});
		await firstWrote;

		let secondDone = false;
		const secondTx = second.transaction((t) => t.createLead({ name: 'second' })).then((lead: Lead) => ((secondDone = true), lead));
		try {
			await sleep(300);
			expect(secondDone).toBe(false); // the second writer is blocked, not committing ahead
			// The lock key is one per schema: exactly our second writer waits on it.
			if (backend().name === 'postgres') expect(await waitingForEventLock((config as { schema: string }).schema)).toBe(1);
			feed.wake();
			await feed.idle();
			expect(got.items).toEqual([]); // nothing visible yet, and the cursor did not move
			expect(feed.cursor).toBe(feed.subscription.cursor);
		} finally {
			release(); // never leave the lock held: every PostgreSQL writer of the database would wait
		}
		const [a, b] = await Promise.all([firstTx, secondTx]);
		await got.until(2);
		feed.wake();
		await feed.idle();
		expect(got.items.map((e) => e.lead.id)).toEqual([a.id, b.id]);
		expect(got.items[0].eventId).toBeLessThan(got.items[1].eventId);
	});

	it('many concurrent writers on separate connections: every event delivered once, in order', async () => {
		const config = backend().freshConfig();
		const writers: LeadStore[] = [];
		for (let i = 0; i < 4; i++) writers.push(await backend().open({}, config));
		const reader = await backend().open({}, config);
		const got = collector<DeliveredEvent>();
		track(await startEventFeed(reader, { workflowId: 'wf', nodeId: 'many', startFrom: 'now', criteria: { kind: 'lead.created' }, emit: got.emit, pollIntervalMs: 20 }));
		await Promise.all(
			writers.map(async (store, w) => {
				for (let i = 0; i < 15; i++) await store.transaction((t) => t.createLead({ name: `w${w}-${i}` }));
			}),
		);
		await got.until(60);
		await sleep(100);
		const ids = got.items.map((e) => e.eventId);
		expect(new Set(ids).size).toBe(60);
		expect(ids).toEqual([...ids].sort((x, y) => x - y));
		expect(got.items).toHaveLength(60);
	});
});

/** Sessions waiting for the schema's event-writer advisory lock (a bigint key: classid high, objid low). */
async function waitingForEventLock(schema: string) {
	const client = new Client({ ...pgConfig(), options: `-c search_path=${schema}` });
	await client.connect();
	try {
		const { rows } = await client.query(
			`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
			AND (classid::bigint << 32) + objid::bigint = ${EVENT_WRITER_LOCK_KEY_SQL}`,
		);
		return rows[0].n as number;
	} finally {
		await client.end();
	}
}

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
