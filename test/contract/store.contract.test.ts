import { LATEST_VERSION, migrate, openDriver, openLeadStore, schemaVersion, type LeadStore } from '../../core';
import { Client } from 'pg';
import { forEachBackend, manualClock, postgresAvailable } from '../support/backends';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pgConfig } = require('../support/pgConfig');
import { runWorkers } from '../support/workers';

const HOUR = 3_600_000;

forEachBackend((backend) => {
	describe('activity rules', () => {
		const clock = manualClock();
		let store: LeadStore;
		beforeAll(async () => {
			store = await backend().open({ clock });
		});

		it('creation, logged activities and stage changes count; notes, tasks and edits do not', async () => {
			const created = clock();
			const lead = await store.transaction((t) => t.createLead({ name: 'Rules' }));
			expect(lead).toMatchObject({ lastActivityAt: created, lastActivityKind: 'created', episode: 1 });

			clock.advance(HOUR);
			await store.transaction(async (t) => {
				await t.createNote(lead.id, { content: 'internal' });
				await t.createTask(lead.id, { type: 'call', description: 'ring back' });
				await t.updateLead(lead.id, { source: 'Web' });
			});
			expect(await store.read((t) => t.getLead(lead.id))).toMatchObject({ lastActivityAt: created, episode: 1 });

			for (const [kind, direction] of [['email', 'outbound'], ['sms', 'inbound'], ['call', 'outbound'], ['meeting', null], ['other', 'inbound']] as const) {
				clock.advance(HOUR);
				const { lead: after } = await store.transaction((t) => t.logActivity(lead.id, { kind, direction }));
				expect(after).toMatchObject({ lastActivityAt: clock(), lastActivityKind: kind });
			}

			clock.advance(HOUR);
			const moved = await store.transaction((t) => t.changeStage(lead.id, 'Contacted'));
			expect(moved.lead).toMatchObject({ lastActivityAt: clock(), lastActivityKind: 'stage_change', episode: 7 });
		});

		it('a back-dated activity is recorded but does not make the lead look fresher', async () => {
			const lead = await store.transaction((t) => t.createLead({ name: 'Backdated' }));
			clock.advance(HOUR);
			const { lead: after, activity } = await store.transaction((t) => t.logActivity(lead.id, { kind: 'call', at: clock() - 2 * HOUR }));
			expect(activity.at).toBe(clock() - 2 * HOUR);
			expect(after).toMatchObject({ lastActivityAt: lead.lastActivityAt, lastActivityKind: 'created', episode: 1 });
			const kinds = (await store.read((t) => t.listActivities(lead.id))).map((a) => a.kind);
			expect(kinds).toEqual(['call', 'created']);
		});
	});

	describe('events', () => {
		let store: LeadStore;
		beforeAll(async () => {
			store = await backend().open();
		});

		it('every visible write appends its event, in order, in the same transaction', async () => {
			const start = await store.read((t) => t.latestEventId());
			const ana = await store.transaction((t) => t.createMember({ name: 'Ana', email: 'ana@events.test' }));
			const lead = await store.transaction((t) => t.createLead({ name: 'Ordered' }));
			await store.transaction((t) => t.changeStage(lead.id, 'Qualified'));
			await store.transaction((t) => t.logActivity(lead.id, { kind: 'email', direction: 'outbound' }));
			await store.transaction((t) => t.updateLead(lead.id, { owner: ana.id }));
			await store.transaction((t) => t.createNote(lead.id, { content: 'n' }));
			const events = await store.read((t) => t.readEvents({ after: start }));
			expect(events.map((e) => e.type)).toEqual(['lead.created', 'lead.stage_changed', 'activity.logged', 'lead.updated', 'lead.assigned', 'note.created']);
			expect(events.every((e) => e.leadId === lead.id)).toBe(true);
			const ids = events.map((e) => e.id);
			expect(ids).toEqual([...ids].sort((a, b) => a - b));
			expect(events[1].data).toMatchObject({ fromStage: 'New', toStage: 'Qualified' });
		});

		it('a rolled-back transaction leaves neither its change nor its event', async () => {
			const start = await store.read((t) => t.latestEventId());
			await expect(
				store.transaction(async (t) => {
					await t.createLead({ name: 'Phantom' });
					throw new Error('changed my mind');
				}),
			).rejects.toThrow('changed my mind');
			expect(await store.read((t) => t.readEvents({ after: start }))).toEqual([]);
			const phantom = await store.read((t) => t.findLeads({ filter: { combinator: 'and', conditions: [{ field: 'name', operator: 'equals', value: 'Phantom' }] } }));
			expect(phantom.items).toEqual([]);
		});

		it('a failed item inside a run undoes only its own writes and events', async () => {
			const start = await store.read((t) => t.latestEventId());
			await store.transaction(async (t) => {
				await t.isolated(() => t.createLead({ name: 'Kept 1' }));
				await t.isolated(() => t.createLead({ name: 'Bad', email: 'nope' })).catch(() => undefined);
				await t.isolated(() => t.createLead({ name: 'Kept 2' }));
			});
			const events = await store.read((t) => t.readEvents({ after: start }));
			expect(events.map((e) => e.type)).toEqual(['lead.created', 'lead.created']);
		});
	});

	describe('paging', () => {
		it('walks every lead once, in id order, page by page', async () => {
			const store = await backend().open();
			for (let i = 0; i < 23; i++) await store.transaction((t) => t.createLead({ name: `P${i}` }));
			const seen: number[] = [];
			let after: number | undefined;
			let pages = 0;
			do {
				const page = await store.read((t) => t.findLeads({ after, limit: 5 }));
				seen.push(...page.items.map((l) => l.id));
				after = page.nextCursor ?? undefined;
				pages++;
			} while (after !== undefined);
			expect(pages).toBe(5);
			expect(seen).toHaveLength(23);
			expect(new Set(seen).size).toBe(23);
			expect(seen).toEqual([...seen].sort((a, b) => a - b));
		});
	});

	describe('two writers at once', () => {
		it('two connections in one process: every write lands, event ids unique and ordered', async () => {
			const config = backend().freshConfig();
			const [a, b] = [await backend().open({}, config), await backend().open({}, config)];
			await Promise.all(
				[a, b].map((store, s) =>
					Promise.all(Array.from({ length: 4 }, async (_, c) => {
						for (let n = 0; n < 25; n++) await store.transaction((t) => t.createLead({ name: `w${s}-${c}-${n}` }));
					})),
				),
			);
			const events = await a.read((t) => t.readEvents({ after: 0, limit: 1000 }));
			expect(events.filter((e) => e.type === 'lead.created')).toHaveLength(200);
			expect(new Set(events.map((e) => e.leadId)).size).toBe(200);
		});

		it('two OS processes, four callers each: every write lands exactly once', async () => {
			const config = backend().freshConfig();
			const store = await backend().open({}, config);
			// Enough writes that each process's run outlasts the other's start-up jitter: 200 writes
			// per process took less than CI's scheduling delay on a fast machine, and ran one after
			// the other.
			const perCaller = 200;
			const results = await runWorkers<number[]>([
				{ job: 'createLeads.js', args: { config, callers: 4, perCaller, tag: 'procA' } },
				{ job: 'createLeads.js', args: { config, callers: 4, perCaller, tag: 'procB' } },
			]);
			const ids = results.flat();
			expect(ids).toHaveLength(2 * 4 * perCaller);
			expect(new Set(ids).size).toBe(2 * 4 * perCaller);
			const events = await store.read((t) => t.readEvents({ after: 0, limit: 10 * perCaller }));
			expect(events.map((e) => e.leadId).sort((x, y) => x - y)).toEqual([...ids].sort((x, y) => x - y));
			// Both processes really interleaved: neither ran all its writes before the other began.
			const firstB = events.findIndex((e) => results[1].includes(e.leadId));
			const lastA = events.map((e) => results[0].includes(e.leadId)).lastIndexOf(true);
			expect(firstB).toBeLessThan(lastA);
		});
	});

	describe('migrations', () => {
		it('upgrades a database made by schema version 1, keeping its data', async () => {
			const config = backend().freshConfig();
			const driver = openDriver(config);
			expect(await migrate(driver, { upTo: 1 })).toEqual([1]);
			await driver.transaction(async (s) => {
				await s.run(
					`INSERT INTO leads (name, email, stage_id, custom, created_at, updated_at, last_activity_at, last_activity_kind)
					VALUES ('Old Timer', 'old@example.com', (SELECT id FROM stages WHERE name = 'Qualified'), '{"legacy":true}', 1000, 1000, 1000, 'created')`,
				);
			});
			expect(await schemaVersion(driver)).toBe(1);
			await driver.close();

			const store = await backend().open({}, config);
			expect(await schemaVersion(store.driver)).toBe(LATEST_VERSION);
			const [lead] = (await store.read((t) => t.findLeads())).items;
			expect(lead).toMatchObject({ name: 'Old Timer', stage: { name: 'Qualified' }, custom: { legacy: true } });
			// The upgraded schema works: round robin (added in version 2) on the old lead.
			const member = await store.transaction((t) => t.createMember({ name: 'New hire' }));
			const result = await store.transaction((t) => t.assignLead(lead.id, { mode: 'round_robin', pool: { name: 'Inbound', members: [{ member: member.id, weight: 1 }] } }));
			expect(result.member?.id).toBe(member.id);
		});

		it('is idempotent, and many openers at once migrate once', async () => {
			const config = backend().freshConfig();
			const stores = await Promise.all([1, 2, 3, 4].map(() => openLeadStore(config)));
			try {
				const applied = await stores[0].driver.transaction((s) => s.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version'));
				expect(applied.map((r) => Number(r.version))).toEqual(Array.from({ length: LATEST_VERSION }, (_, i) => i + 1));
				expect(await migrate(stores[1].driver)).toEqual([]);
				expect((await stores[2].read((t) => t.listStages())).length).toBe(6);
			} finally {
				await Promise.all(stores.map((s) => s.close()));
			}
		});
	});
});

describe('[postgres] a schema change made elsewhere while the store runs', () => {
	const run = postgresAvailable() ? it : it.skip;
	// One connection, so the statement prepared below is the one the next read finds.
	run('fails the one transaction whose prepared statements it outdated, then recovers', () =>
		withOneConnectionStore('plan', async (store, admin) => {
			await store.transaction((t) => t.createLead({ name: 'Before' }));
			await store.read((t) => t.findLeads()); // prepares SELECT l.* ... on this connection
			await admin.query('ALTER TABLE leads ADD COLUMN added_by_a_newer_version TEXT');
			const first = await store.read((t) => t.findLeads()).then(() => 'ok', (e) => e.code);
			expect(first).toBe('0A000');
			const again = await store.read((t) => t.findLeads());
			expect(again.items.map((l) => l.name)).toEqual(['Before']);
		}));
});

describe('[postgres] one statement that commits alone (SqlDriver.statementAlone)', () => {
	const run = postgresAvailable() ? it : it.skip;
	run('is committed when it answers and wakes listeners; one that fails leaves nothing, and its connection works on', () =>
		withOneConnectionStore('alone', async (store, admin, schema) => {
		let woken = 0;
		const stopListening = await store.onEventsCommitted(() => woken++);
		// Its writes happen in a function, as lead_round_robin_assign's do.
		await admin.query(`CREATE FUNCTION test_event(p_lead BIGINT, p_at BIGINT) RETURNS BIGINT LANGUAGE sql AS
			$$ INSERT INTO events (type, lead_id, occurred_at, actor, causation_depth, data) VALUES ('lead.updated', p_lead, p_at, '{}', 0, '{}') RETURNING id $$`);
		const events = async () => Number((await admin.query('SELECT COUNT(*) AS n FROM events')).rows[0].n);
		try {
			const lead = await store.transaction((t) => t.createLead({ name: 'Alone' }));
			await new Promise((resolve) => setTimeout(resolve, 300)); // that commit's NOTIFY has come back
			woken = 0;
			// Other processes hear of it by a NOTIFY naming its transaction.
			const payloads: string[] = [];
			admin.on('notification', (message) => payloads.push(String(message.payload)));
			await admin.query(`LISTEN "lead_events_${schema}"`);
			const [row] = await store.driver.statementAlone!<{ id: number }>('SELECT test_event($1, $2) AS id', [lead.id, Date.now()], { events: true });
			expect(Object.keys(row)).toEqual(['id']);
			const written = (await admin.query('SELECT xid FROM events WHERE id = $1', [row.id])).rows;
			expect(written).toHaveLength(1);
			expect(woken).toBeGreaterThan(0);
			const deadline = Date.now() + 5_000;
			while (payloads.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
			expect(payloads).toEqual([String(written[0].xid)]);

			const before = await events();
			await expect(store.driver.statementAlone!('SELECT test_event($1, $2) / 0 AS id', [lead.id, Date.now()], { events: true })).rejects.toMatchObject({ code: '22012' });
			expect(await events()).toBe(before);
			expect(await store.read((t) => t.getLead(lead.id))).toMatchObject({ name: 'Alone' });
		} finally {
			await stopListening();
		}
		}));
});

/** A PostgreSQL store on one connection in a schema of its own and an admin client there; both closed and the schema dropped after fn. */
async function withOneConnectionStore(name: string, fn: (store: LeadStore, admin: Client, schema: string) => Promise<void>) {
	const schema = `lead_test_${name}_${process.pid}`;
	const store = await openLeadStore({ backend: 'postgres', ...pgConfig(), schema, maxConnections: 1 });
	const admin = new Client({ ...pgConfig(), options: `-c search_path=${schema}` });
	await admin.connect();
	try {
		await fn(store, admin, schema);
	} finally {
		await store.close();
		await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
		await admin.end();
	}
}
