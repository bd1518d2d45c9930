/**
 * Versioned schema migrations. Each runs once, in order, in the transaction that records it;
 * every store runs the pending ones on first use, so opening is also upgrading.
 * Add a migration at the end; never edit one that has shipped.
 */
import type { Dialect, SqlDriver, SqlSession } from './SqlDriver';

export interface Migration {
	version: number;
	name: string;
	statements: string[];
	/** Run after `statements`, on PostgreSQL only. */
	postgres?: string[];
}

// Portable DDL: tokens that differ between the two engines.
const TOKENS: Record<Dialect, Record<string, string>> = {
	sqlite: { '{id}': 'INTEGER PRIMARY KEY AUTOINCREMENT', '{bool}': 'INTEGER', '{json}': 'TEXT', '{true}': '1', '{false}': '0' },
	postgres: { '{id}': 'BIGSERIAL PRIMARY KEY', '{bool}': 'BOOLEAN', '{json}': 'JSONB', '{true}': 'TRUE', '{false}': 'FALSE' },
};
const portable = (dialect: Dialect, sql: string) =>
	sql.replace(/\{(id|bool|json|true|false)\}/g, (token) => TOKENS[dialect][token]);

export const MIGRATIONS: Migration[] = [
	{
		version: 1,
		name: 'leads, stages, members, notes, tasks, activities, events',
		statements: [
			`CREATE TABLE stages (
				id {id},
				name TEXT NOT NULL,
				kind TEXT NOT NULL CHECK (kind IN ('open', 'won', 'lost')),
				position INTEGER NOT NULL,
				created_at BIGINT NOT NULL,
				updated_at BIGINT NOT NULL)`,
			`CREATE UNIQUE INDEX stages_name ON stages (lower(name))`,
			`CREATE TABLE members (
				id {id},
				name TEXT NOT NULL,
				email TEXT,
				active {bool} NOT NULL DEFAULT {true},
				created_at BIGINT NOT NULL,
				updated_at BIGINT NOT NULL)`,
			`CREATE UNIQUE INDEX members_email ON members (email)`,
			`CREATE TABLE leads (
				id {id},
				name TEXT,
				email TEXT,
				phone TEXT,
				stage_id BIGINT NOT NULL REFERENCES stages (id),
				source TEXT,
				type TEXT,
				priority TEXT,
				gender TEXT,
				owner_id BIGINT REFERENCES members (id),
				custom {json} NOT NULL,
				created_at BIGINT NOT NULL,
				updated_at BIGINT NOT NULL,
				last_activity_at BIGINT NOT NULL,
				last_activity_kind TEXT NOT NULL,
				episode INTEGER NOT NULL DEFAULT 1)`,
			// Stale scans walk (stage, last activity); the rest serve list filters.
			`CREATE INDEX leads_stage_activity ON leads (stage_id, last_activity_at)`,
			`CREATE INDEX leads_owner ON leads (owner_id)`,
			`CREATE INDEX leads_created ON leads (created_at)`,
			`CREATE INDEX leads_email ON leads (email)`,
			`CREATE TABLE notes (
				id {id},
				lead_id BIGINT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
				content TEXT NOT NULL,
				pinned {bool} NOT NULL DEFAULT {false},
				created_at BIGINT NOT NULL)`,
			`CREATE INDEX notes_lead ON notes (lead_id)`,
			`CREATE TABLE tasks (
				id {id},
				lead_id BIGINT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
				type TEXT NOT NULL,
				description TEXT NOT NULL,
				due_at BIGINT,
				assignee_id BIGINT REFERENCES members (id),
				priority TEXT NOT NULL,
				required {bool} NOT NULL DEFAULT {true},
				status TEXT NOT NULL DEFAULT 'open',
				completed_at BIGINT,
				created_at BIGINT NOT NULL)`,
			`CREATE INDEX tasks_lead ON tasks (lead_id)`,
			`CREATE TABLE activities (
				id {id},
				lead_id BIGINT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
				kind TEXT NOT NULL,
				direction TEXT,
				at BIGINT NOT NULL,
				details TEXT,
				created_at BIGINT NOT NULL)`,
			`CREATE INDEX activities_lead ON activities (lead_id, at)`,
			// The outbox. No foreign key: events outlive the leads they tell of.
			`CREATE TABLE events (
				id {id},
				type TEXT NOT NULL,
				lead_id BIGINT NOT NULL,
				occurred_at BIGINT NOT NULL,
				actor {json} NOT NULL,
				causation_depth INTEGER NOT NULL DEFAULT 0,
				data {json} NOT NULL)`,
			`CREATE INDEX events_lead ON events (lead_id, occurred_at)`,
			`INSERT INTO stages (name, kind, position, created_at, updated_at) VALUES
				('New', 'open', 1, $1, $1),
				('Contacted', 'open', 2, $1, $1),
				('Qualified', 'open', 3, $1, $1),
				('Unresponsive', 'open', 4, $1, $1),
				('Won', 'won', 5, $1, $1),
				('Lost', 'lost', 6, $1, $1)`,
		],
	},
	{
		version: 2,
		name: 'round-robin pools and assignments',
		statements: [
			`CREATE TABLE pools (
				id {id},
				name TEXT NOT NULL,
				created_at BIGINT NOT NULL,
				updated_at BIGINT NOT NULL)`,
			`CREATE UNIQUE INDEX pools_name ON pools (lower(name))`,
			// credit: smooth weighted round robin's running balance, frozen while inactive.
			`CREATE TABLE pool_members (
				pool_id BIGINT NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
				member_id BIGINT NOT NULL REFERENCES members (id),
				weight INTEGER NOT NULL CHECK (weight > 0),
				credit BIGINT NOT NULL DEFAULT 0,
				active {bool} NOT NULL DEFAULT {true},
				PRIMARY KEY (pool_id, member_id))`,
			`CREATE TABLE assignments (
				id {id},
				lead_id BIGINT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
				member_id BIGINT REFERENCES members (id),
				pool_id BIGINT REFERENCES pools (id) ON DELETE SET NULL,
				mode TEXT NOT NULL,
				at BIGINT NOT NULL)`,
			`CREATE INDEX assignments_lead ON assignments (lead_id, pool_id)`,
		],
	},
	{
		version: 3,
		name: 'trigger subscriptions and stale-episode marks',
		statements: [
			`CREATE TABLE subscriptions (
				id {id},
				workflow_id TEXT NOT NULL,
				node_id TEXT NOT NULL,
				kind TEXT NOT NULL,
				cursor BIGINT NOT NULL,
				created_at BIGINT NOT NULL,
				updated_at BIGINT NOT NULL)`,
			`CREATE UNIQUE INDEX subscriptions_owner ON subscriptions (workflow_id, node_id)`,
			`CREATE TABLE stale_fired (
				subscription_id BIGINT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
				lead_id BIGINT NOT NULL,
				episode INTEGER NOT NULL,
				fired_at BIGINT NOT NULL,
				PRIMARY KEY (subscription_id, lead_id, episode))`,
		],
	},
	{
		version: 4,
		name: 'events ordered by writing transaction (xid, id); cursors as positions',
		// Events written before this version have xid 0: they were id-ordered in commit order
		// (one writer lock), so they all come before any event written from now on, and a stored
		// cursor N reads as position (0, N).
		statements: [
			`ALTER TABLE events ADD COLUMN xid BIGINT NOT NULL DEFAULT 0`,
			`ALTER TABLE subscriptions ADD COLUMN cursor_xid BIGINT NOT NULL DEFAULT 0`,
		],
		// Every event carries its writing transaction's id (the top-level one, also inside a
		// savepoint). Set as the default, so writers of an older version still in service stamp
		// their events too. SQLite keeps 0: one writer at a time, ids are in commit order.
		// SQLite reads by id alone (xid stays 0), so only PostgreSQL needs the (xid, id) index.
		postgres: [
			`ALTER TABLE events ALTER COLUMN xid SET DEFAULT (pg_current_xact_id()::text::bigint)`,
			`CREATE INDEX events_position ON events (xid, id)`,
		],
	},
	{
		version: 5,
		name: 'round-robin turn as a server-side function (PostgreSQL)',
		statements: [],
		// One turn of smooth weighted round robin (core/rotation/smoothWeighted.ts, the same rule):
		// lock the pool, then every eligible member gains its weight and the highest credit (ties:
		// lowest id) pays back the total. Run inside the statement that records the assignment, so
		// the pool stays locked for that one statement and the commit, not for several round
		// trips. Each statement here reads what the pool's previous holder committed.
		postgres: [
			`CREATE OR REPLACE FUNCTION lead_round_robin_turn(p_pool BIGINT, p_members BIGINT[]) RETURNS BIGINT
			LANGUAGE plpgsql AS $$
			DECLARE
				v_winner BIGINT;
				v_total BIGINT;
			BEGIN
				PERFORM 1 FROM pools WHERE id = p_pool FOR UPDATE;
				SELECT pm.member_id, SUM(pm.weight) OVER () INTO v_winner, v_total
				FROM pool_members pm JOIN members m ON m.id = pm.member_id
				WHERE pm.pool_id = p_pool AND pm.member_id = ANY (p_members) AND pm.active AND m.active
				ORDER BY pm.credit + pm.weight DESC, pm.member_id LIMIT 1;
				IF v_winner IS NULL THEN
					RETURN NULL;
				END IF;
				UPDATE pool_members pm SET credit = pm.credit + pm.weight - CASE WHEN pm.member_id = v_winner THEN v_total ELSE 0 END
				FROM members m
				WHERE m.id = pm.member_id AND pm.pool_id = p_pool AND pm.member_id = ANY (p_members) AND pm.active AND m.active;
				RETURN v_winner;
			END $$`,
		],
	},
	{
		version: 6,
		name: 'opportunities and their statuses',
		statements: [
			`CREATE TABLE opportunity_statuses (
				id {id},
				name TEXT NOT NULL,
				kind TEXT NOT NULL CHECK (kind IN ('active', 'won', 'lost')),
				position INTEGER NOT NULL,
				created_at BIGINT NOT NULL,
				updated_at BIGINT NOT NULL)`,
			`CREATE UNIQUE INDEX opportunity_statuses_name ON opportunity_statuses (lower(name))`,
			// value: whole minor units of currency (NULL: not known yet); close date: YYYY-MM-DD.
			`CREATE TABLE opportunities (
				id {id},
				lead_id BIGINT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
				value BIGINT CHECK (value >= 0),
				currency TEXT NOT NULL,
				status_id BIGINT NOT NULL REFERENCES opportunity_statuses (id),
				confidence INTEGER CHECK (confidence BETWEEN 0 AND 100),
				expected_close_date TEXT,
				note TEXT,
				owner_id BIGINT REFERENCES members (id),
				custom {json} NOT NULL,
				created_at BIGINT NOT NULL,
				updated_at BIGINT NOT NULL)`,
			// Newest / oldest on a lead, and the lead's list.
			`CREATE INDEX opportunities_lead ON opportunities (lead_id, created_at, id)`,
			`CREATE INDEX opportunities_status ON opportunities (status_id)`,
			`INSERT INTO opportunity_statuses (name, kind, position, created_at, updated_at) VALUES
				('Active', 'active', 1, $1, $1),
				('Won', 'won', 2, $1, $1),
				('Lost', 'lost', 3, $1, $1)`,
		],
	},
	{
		version: 7,
		name: 'tasks that hold a run (pools, outcomes, resume address), call outcomes, send windows',
		statements: [
			// A pool task has no single assignee: every holder (task_holders) holds it until one closes it.
			`ALTER TABLE tasks ADD COLUMN pool_id BIGINT REFERENCES pools (id) ON DELETE SET NULL`,
			`ALTER TABLE tasks ADD COLUMN closed_at BIGINT`,
			`ALTER TABLE tasks ADD COLUMN closed_by BIGINT REFERENCES members (id)`,
			`ALTER TABLE tasks ADD COLUMN closed_via TEXT`,
			`ALTER TABLE tasks ADD COLUMN closed_by_activity BIGINT`,
			// The run that waits for the task: its execution, node, item and limit, and the
			// signed address that resumes it (also the completion link).
			`ALTER TABLE tasks ADD COLUMN hold_id TEXT`,
			`ALTER TABLE tasks ADD COLUMN hold_execution TEXT`,
			`ALTER TABLE tasks ADD COLUMN hold_node TEXT`,
			`ALTER TABLE tasks ADD COLUMN hold_item INTEGER`,
			`ALTER TABLE tasks ADD COLUMN hold_until BIGINT`,
			`ALTER TABLE tasks ADD COLUMN hold_released_at BIGINT`,
			`ALTER TABLE tasks ADD COLUMN resume_url TEXT`,
			`CREATE INDEX tasks_hold ON tasks (hold_execution, hold_node)`,
			`CREATE INDEX tasks_assignee ON tasks (assignee_id, status)`,
			`CREATE INDEX tasks_status_due ON tasks (status, due_at)`,
			`CREATE TABLE task_holders (
				task_id BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
				member_id BIGINT NOT NULL REFERENCES members (id),
				PRIMARY KEY (task_id, member_id))`,
			`CREATE INDEX task_holders_member ON task_holders (member_id)`,
			`ALTER TABLE activities ADD COLUMN outcome TEXT`,
			`CREATE TABLE send_windows (
				id {id},
				name TEXT NOT NULL,
				timezone TEXT,
				hours {json} NOT NULL,
				blackouts {json} NOT NULL,
				created_at BIGINT NOT NULL,
				updated_at BIGINT NOT NULL)`,
			`CREATE UNIQUE INDEX send_windows_name ON send_windows (lower(name))`,
		],
	},
	{
		version: 8,
		name: 'round-robin assignment as one server-side function (PostgreSQL)',
		statements: [],
		// A whole round-robin assignment in the statement that locks the lead (core/store/assign.ts):
		// the pool read, the definition checked against it, the turn, the owner, the history row and
		// the lead.assigned event, in as few statements as it can run.
		// It returns no row, having written nothing, for every case it does not take (no such pool,
		// a definition that changes the pool, nobody eligible, a repeat, a skip): the caller then
		// goes the statement-by-statement way, which raises the errors and handles the rest.
		postgres: [
			`CREATE OR REPLACE FUNCTION lead_round_robin_assign(
				p_lead BIGINT, p_owner BIGINT, p_skip_owned BOOLEAN, p_pool_name TEXT, p_defined BOOLEAN,
				p_ids BIGINT[], p_weights INT[], p_reassign BOOLEAN, p_now BIGINT, p_actor JSONB, p_depth INT)
			RETURNS TABLE (r_winner BIGINT, r_pool BIGINT, r_pool_name TEXT, r_member JSONB)
			LANGUAGE plpgsql AS $$
			DECLARE
				v_pool BIGINT;
				v_name TEXT;
				v_ids BIGINT[];
				v_weights INT[];
				v_eligible BIGINT[];
				v_previous BIGINT;
				v_winner BIGINT;
			BEGIN
				IF p_skip_owned AND p_owner IS NOT NULL THEN
					RETURN;
				END IF;
				-- Read unlocked; only the turn below locks the pool's members, so they stay locked for
				-- the turn, the three writes and the commit, not for these reads.
				SELECT p.id, p.name INTO v_pool, v_name FROM pools p WHERE lower(p.name) = lower(p_pool_name);
				IF v_pool IS NULL THEN
					RETURN;
				END IF;
				SELECT array_agg(pm.member_id ORDER BY pm.member_id) FILTER (WHERE pm.active),
					array_agg(pm.weight ORDER BY pm.member_id) FILTER (WHERE pm.active),
					array_agg(pm.member_id ORDER BY pm.member_id) FILTER (WHERE pm.active AND m.active)
				INTO v_ids, v_weights, v_eligible
				FROM pool_members pm JOIN members m ON m.id = pm.member_id WHERE pm.pool_id = v_pool;
				-- A definition (ids and weights in id order) must be the pool's active members as stored.
				IF v_eligible IS NULL OR (p_defined AND (v_ids IS DISTINCT FROM p_ids OR v_weights IS DISTINCT FROM p_weights)) THEN
					RETURN;
				END IF;
				IF NOT p_reassign THEN
					SELECT a.member_id INTO v_previous FROM assignments a
					WHERE a.lead_id = p_lead AND a.pool_id = v_pool AND a.mode = 'round_robin' ORDER BY a.id DESC LIMIT 1;
					IF v_previous = ANY (v_eligible) THEN
						RETURN;
					END IF;
				END IF;
				-- One turn of smooth weighted round robin (as lead_round_robin_turn, migration 5) in one
				-- statement: it locks the members' rows in id order, and a locked row is read as its
				-- latest version, so the credits are the ones the previous turn committed. Members
				-- deactivated meanwhile are left out.
				WITH locked AS MATERIALIZED (
					SELECT pm.member_id, pm.weight, pm.credit FROM pool_members pm JOIN members m ON m.id = pm.member_id
					WHERE pm.pool_id = v_pool AND pm.member_id = ANY (v_eligible) AND pm.active AND m.active
					ORDER BY pm.member_id FOR UPDATE OF pm),
				pick AS (SELECT l.member_id, SUM(l.weight) OVER () AS total FROM locked l ORDER BY l.credit + l.weight DESC, l.member_id LIMIT 1),
				credits AS (UPDATE pool_members pm SET credit = pm.credit + pm.weight - CASE WHEN pm.member_id = pick.member_id THEN pick.total ELSE 0 END
					FROM pick, locked l WHERE pm.pool_id = v_pool AND pm.member_id = l.member_id)
				SELECT pick.member_id INTO v_winner FROM pick;
				IF v_winner IS NULL THEN
					RETURN;
				END IF;
				WITH owner AS (UPDATE leads SET owner_id = v_winner, updated_at = p_now WHERE id = p_lead AND owner_id IS DISTINCT FROM v_winner),
				history AS (INSERT INTO assignments (lead_id, member_id, pool_id, mode, at) VALUES (p_lead, v_winner, v_pool, 'round_robin', p_now))
				INSERT INTO events (type, lead_id, occurred_at, actor, causation_depth, data)
				VALUES ('lead.assigned', p_lead, p_now, p_actor, p_depth,
					jsonb_build_object('memberId', v_winner, 'previousOwnerId', p_owner, 'poolId', v_pool, 'mode', 'round_robin'));
				RETURN QUERY SELECT v_winner, v_pool, v_name, to_jsonb(m) FROM members m WHERE m.id = v_winner;
			END $$`,
		],
	},
	{
		version: 9,
		name: 'round robin by numbered turns: pickers no longer wait for each other',
		// A pool stores its rotation cycle (smooth weighted round robin from zero credits, as member
		// ids) and the turn its current cycle began at; turn N goes to the cycle's member at
		// N - cycle_start. So a pick needs only the next turn number. SQLite counts turns in the
		// pool row (one writer). PostgreSQL takes them from a sequence per pool (pool_turns_<id>,
		// created with the pool's cycle): a sequence never waits for another transaction, so picks
		// on one pool run in parallel instead of queueing on the credits' row locks through each
		// commit. A sequence does not roll back: a pick whose transaction rolls back gives its turn
		// back (pool_turn_returns), and the next pick takes it first. The credit column stays,
		// unused. Pools from before have an empty cycle; their next pick stores it.
		statements: [
			`ALTER TABLE pools ADD COLUMN cycle TEXT NOT NULL DEFAULT '[]'`,
			`ALTER TABLE pools ADD COLUMN cycle_start BIGINT NOT NULL DEFAULT 1`,
			`ALTER TABLE pools ADD COLUMN turns BIGINT NOT NULL DEFAULT 0`,
			`ALTER TABLE assignments ADD COLUMN turn BIGINT`,
		],
		postgres: [
			`CREATE TABLE pool_turn_returns (
				pool_id BIGINT NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
				turn BIGINT NOT NULL,
				PRIMARY KEY (pool_id, turn))`,
			// The next turn of a pool for one of p_eligible: a turn given back first, then new ones;
			// an ineligible member's turn passes to the next. Declines (no row) without a cycle.
			`DROP FUNCTION IF EXISTS lead_round_robin_turn(BIGINT, BIGINT[])`,
			`CREATE FUNCTION lead_round_robin_turn(p_pool BIGINT, p_eligible BIGINT[], OUT r_winner BIGINT, OUT r_turn BIGINT)
			LANGUAGE plpgsql AS $$
			DECLARE
				v_cycle BIGINT[];
				v_start BIGINT;
				v_len INT;
			BEGIN
				SELECT ARRAY(SELECT jsonb_array_elements_text(p.cycle::jsonb)::bigint), p.cycle_start INTO v_cycle, v_start
				FROM pools p WHERE p.id = p_pool;
				v_len := coalesce(cardinality(v_cycle), 0);
				IF v_len = 0 OR NOT (v_cycle && p_eligible) THEN
					RETURN;
				END IF;
				DELETE FROM pool_turn_returns r WHERE r.pool_id = p_pool AND r.turn = (
					SELECT x.turn FROM pool_turn_returns x WHERE x.pool_id = p_pool AND x.turn >= v_start
					ORDER BY x.turn LIMIT 1 FOR UPDATE SKIP LOCKED)
				RETURNING r.turn INTO r_turn;
				LOOP
					IF r_turn IS NULL THEN
						r_turn := nextval(('pool_turns_' || p_pool)::regclass);
					END IF;
					r_winner := v_cycle[(((r_turn - v_start) % v_len) + v_len) % v_len + 1];
					EXIT WHEN r_winner = ANY (p_eligible);
					r_turn := NULL;
				END LOOP;
			END $$`,
			// Migration 8's function, taking its turn from lead_round_robin_turn; it also returns the
			// turn, so the caller can give it back if its transaction rolls back.
			`DROP FUNCTION IF EXISTS lead_round_robin_assign(BIGINT, BIGINT, BOOLEAN, TEXT, BOOLEAN, BIGINT[], INT[], BOOLEAN, BIGINT, JSONB, INT)`,
			`CREATE FUNCTION lead_round_robin_assign(
				p_lead BIGINT, p_owner BIGINT, p_skip_owned BOOLEAN, p_pool_name TEXT, p_defined BOOLEAN,
				p_ids BIGINT[], p_weights INT[], p_reassign BOOLEAN, p_now BIGINT, p_actor JSONB, p_depth INT)
			RETURNS TABLE (r_winner BIGINT, r_pool BIGINT, r_pool_name TEXT, r_member JSONB, r_turn BIGINT)
			LANGUAGE plpgsql AS $$
			DECLARE
				v_pool BIGINT;
				v_name TEXT;
				v_ids BIGINT[];
				v_weights INT[];
				v_eligible BIGINT[];
				v_previous BIGINT;
				v_winner BIGINT;
				v_turn BIGINT;
			BEGIN
				IF p_skip_owned AND p_owner IS NOT NULL THEN
					RETURN;
				END IF;
				SELECT p.id, p.name INTO v_pool, v_name FROM pools p WHERE lower(p.name) = lower(p_pool_name);
				IF v_pool IS NULL THEN
					RETURN;
				END IF;
				SELECT array_agg(pm.member_id ORDER BY pm.member_id) FILTER (WHERE pm.active),
					array_agg(pm.weight ORDER BY pm.member_id) FILTER (WHERE pm.active),
					array_agg(pm.member_id ORDER BY pm.member_id) FILTER (WHERE pm.active AND m.active)
				INTO v_ids, v_weights, v_eligible
				FROM pool_members pm JOIN members m ON m.id = pm.member_id WHERE pm.pool_id = v_pool;
				-- A definition (ids and weights in id order) must be the pool's active members as stored.
				IF v_eligible IS NULL OR (p_defined AND (v_ids IS DISTINCT FROM p_ids OR v_weights IS DISTINCT FROM p_weights)) THEN
					RETURN;
				END IF;
				IF NOT p_reassign THEN
					SELECT a.member_id INTO v_previous FROM assignments a
					WHERE a.lead_id = p_lead AND a.pool_id = v_pool AND a.mode = 'round_robin' ORDER BY a.id DESC LIMIT 1;
					IF v_previous = ANY (v_eligible) THEN
						RETURN;
					END IF;
				END IF;
				SELECT t.r_winner, t.r_turn INTO v_winner, v_turn FROM lead_round_robin_turn(v_pool, v_eligible) t;
				IF v_winner IS NULL THEN
					RETURN;
				END IF;
				WITH owner AS (UPDATE leads SET owner_id = v_winner, updated_at = p_now WHERE id = p_lead AND owner_id IS DISTINCT FROM v_winner),
				history AS (INSERT INTO assignments (lead_id, member_id, pool_id, mode, at, turn) VALUES (p_lead, v_winner, v_pool, 'round_robin', p_now, v_turn))
				INSERT INTO events (type, lead_id, occurred_at, actor, causation_depth, data)
				VALUES ('lead.assigned', p_lead, p_now, p_actor, p_depth,
					jsonb_build_object('memberId', v_winner, 'previousOwnerId', p_owner, 'poolId', v_pool, 'mode', 'round_robin'));
				RETURN QUERY SELECT v_winner, v_pool, v_name, to_jsonb(m), v_turn FROM members m WHERE m.id = v_winner;
			END $$`,
		],
	},
	{
		version: 10,
		name: 'what a workflow step created once per cause (re-delivered or retried runs)',
		// core/store/stepWrites.ts: key = the cause a node names (workflow, node, run, item, event).
		statements: [
			`CREATE TABLE step_writes (
				key TEXT NOT NULL,
				kind TEXT NOT NULL,
				entity_id BIGINT NOT NULL,
				created_at BIGINT NOT NULL,
				PRIMARY KEY (key, kind))`,
		],
	},
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * Brings the database up to `upTo` (default: the latest). Safe to call from many processes at
 * once: the writers queue on a lock and each finds the work already done.
 */
export async function migrate(
	driver: SqlDriver,
	options: { upTo?: number; now?: number } = {},
): Promise<number[]> {
	const upTo = options.upTo ?? LATEST_VERSION;
	const now = options.now ?? Date.now();
	return driver.transaction(async (s) => {
		if (s.dialect === 'postgres') {
			await s.run('SELECT pg_advisory_xact_lock(7426735100)'); // any fixed key: "LEADMIGR"
		}
		for (const sql of driver.setup ?? []) await s.run(sql);
		await s.run(`CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY,
			name TEXT NOT NULL,
			applied_at BIGINT NOT NULL)`);
		const done = new Set((await s.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
		const applied: number[] = [];
		for (const migration of MIGRATIONS) {
			if (migration.version > upTo || done.has(migration.version)) continue;
			await applyMigration(s, migration, now);
			applied.push(migration.version);
		}
		return applied;
	});
}

async function applyMigration(s: SqlSession, migration: Migration, now: number) {
	for (const statement of migration.statements) {
		const sql = portable(s.dialect, statement);
		await s.run(sql, sql.includes('$1') ? [now] : []);
	}
	if (s.dialect === 'postgres') for (const sql of migration.postgres ?? []) await s.run(sql);
	await s.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
		migration.version,
		migration.name,
		now,
	]);
}

export async function schemaVersion(driver: SqlDriver): Promise<number> {
	return driver.transaction(async (s) => {
		const row = await s.get<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
		return Number(row?.v ?? 0);
	}, { readOnly: true });
}
