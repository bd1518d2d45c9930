/**
 * Named round-robin pools. A node defines its pool every time it runs; the definition is
 * upserted by name, so several workflows naming the same pool share one rotation. Members
 * dropped from the definition stay in the table as inactive, so a member who comes back takes
 * turns again from where the rotation stands instead of starting over or catching up.
 *
 * The rotation: the pool stores one cycle of smooth weighted round robin over its active members
 * (core/rotation/smoothWeighted.ts) and numbers its turns; turn N goes to the cycle's member at
 * N - cycleStart, and an inactive team member's turns pass to the next. A change of members or
 * weights starts a new cycle at the next turn. Turns are counted in the pool row on SQLite and
 * taken from a sequence per pool on PostgreSQL (migration 9), so concurrent picks there do not
 * wait for each other's commits.
 */
import { conflict, invalid, notFound } from '../errors';
import type { Member, MemberRef } from '../model';
import { memberAtTurn, nextEligibleTurn, rotationCycle } from '../rotation/smoothWeighted';
import { describe, LIMITS, positiveInteger, requiredText } from '../validation';
import { resolveMember } from './members';
import { bool, toMember, type Row } from './rows';
import type { Tx } from './Tx';

export interface PoolMemberInput {
	member: MemberRef | unknown;
	/** Whole number ≥ 1; 1 when not given. */
	weight?: unknown;
}

export interface PoolDefinition {
	name: unknown;
	/** Absent: use the pool as stored (defined by another workflow or the Lead node). */
	members?: PoolMemberInput[] | null;
}

export interface PoolMember {
	member: Member;
	/** Turns per cycle. */
	weight: number;
	/** Listed in the pool's current definition. */
	active: boolean;
	/** Takes turns now: active in the pool and an active team member. */
	eligible: boolean;
}

export interface Pool {
	id: number;
	name: string;
	members: PoolMember[];
	/** Turns taken so far (a turn a rolled-back pick gave back is taken again, not counted twice). */
	turns: number;
	/** Whose turn is next, as things stand now (null: nobody is eligible). */
	nextMemberId: number | null;
	createdAt: number;
	updatedAt: number;
}

export interface LockedPool {
	id: number;
	name: string;
	members: PoolMember[];
	/** The rotation's cycle as stored (member ids), and the turn it began at. */
	cycle: number[];
	cycleStart: number;
	/** SQLite: the last turn taken (PostgreSQL counts in a sequence). */
	turns: number;
	/** The member this pool last gave the lead asked about (round robin), if any. */
	previousMemberId: number | null;
}

export interface ResolvedPoolDefinition {
	name: string;
	members: { member: Member; weight: number }[] | null;
}

/** Checks a definition and resolves its members. Reads only, so a bad one writes nothing. */
export async function resolvePoolDefinition(tx: Tx, definition: PoolDefinition | undefined, field = 'pool'): Promise<ResolvedPoolDefinition> {
	return resolveParsed(tx, parsePoolDefinition(definition, field));
}

export interface ParsedPoolDefinition {
	name: string;
	entries: { at: string; ref: unknown; weight: number }[] | null;
}

/** Checks a definition's shape (name, weights) without reading the store. */
export function parsePoolDefinition(definition: PoolDefinition | undefined, field = 'pool'): ParsedPoolDefinition {
	if (typeof definition !== 'object' || definition === null) throw invalid(field, `${field} is required`);
	const name = requiredText(`${field}.name`, definition.name, LIMITS.poolName);
	if (definition.members === undefined || definition.members === null) return { name, entries: null };
	if (!Array.isArray(definition.members) || definition.members.length === 0) {
		throw invalid(`${field}.members`, `${field}.members: pool "${name}" needs at least one member`);
	}
	const entries = definition.members.map((entry, i) => {
		const at = `${field}.members[${i}]`;
		if (typeof entry !== 'object' || entry === null) throw invalid(at, `${at} must name a member and a weight`);
		const weight = entry.weight === undefined || entry.weight === null || entry.weight === '' ? 1 : positiveInteger(`${at}.weight`, entry.weight);
		// A cycle is as long as the weights add up to: keep it small enough to store and scan.
		if (weight > LIMITS.poolWeight) throw invalid(`${at}.weight`, `${at}.weight must be at most ${LIMITS.poolWeight}; got ${weight}`);
		return { at, ref: entry.member, weight };
	});
	return { name, entries };
}

/**
 * Resolves a parsed definition's member references. `known`: members already read (the pool's,
 * under its lock); only references not among them are looked up, so a pool used as stored
 * costs no query here.
 */
export async function resolveParsed(tx: Tx, parsed: ParsedPoolDefinition, known: readonly Member[] = []): Promise<ResolvedPoolDefinition> {
	const { name, entries } = parsed;
	if (!entries) return { name, members: null };
	const inKnown = matcher(known);
	const missing = entries.filter((e) => !inKnown(e.ref));
	const found = missing.length > 0 ? matcher(await membersByRef(tx, missing.map((e) => e.ref))) : () => undefined;
	const members: { member: Member; weight: number }[] = [];
	for (const { at, ref, weight } of entries) {
		// Not found in the batch: resolveMember raises the error, worded as everywhere else.
		const member = inKnown(ref) ?? found(ref) ?? (await resolveMember(tx, ref, `${at}.member`));
		if (members.some((m) => m.member.id === member.id)) {
			throw invalid(`${at}.member`, `${at}.member: ${member.name} is listed twice in pool "${name}"`);
		}
		members.push({ member, weight });
	}
	return { name, members };
}

/** A member reference's key: an id, or a lower-case email; null when it is neither. */
export function keyOf(ref: unknown): number | string | null {
	const r = ref as { id?: unknown; email?: unknown };
	const key = typeof ref === 'object' && ref !== null ? (r.id ?? r.email) : ref;
	if (typeof key === 'number' && Number.isSafeInteger(key)) return key;
	if (typeof key === 'string' && /^\d+$/.test(key.trim())) return Number(key);
	if (typeof key === 'string' && key.trim() !== '') return key.trim().toLowerCase();
	return null;
}

function matcher(members: readonly Member[]): (ref: unknown) => Member | undefined {
	return (ref) => {
		const key = keyOf(ref);
		return key === null ? undefined : members.find((m) => (typeof key === 'number' ? m.id === key : m.email === key));
	};
}

/** Looks up many member references in one query. */
async function membersByRef(tx: Tx, refs: unknown[]): Promise<Member[]> {
	const params = [...new Set(refs.map(keyOf).filter((k) => k !== null))];
	const ids = params.filter((k): k is number => typeof k === 'number');
	const emails = params.filter((k): k is string => typeof k === 'string');
	const where = [
		ids.length ? `id IN (${ids.map((_, i) => `$${i + 1}`).join(', ')})` : null,
		emails.length ? `email IN (${emails.map((_, i) => `$${ids.length + i + 1}`).join(', ')})` : null,
	].filter(Boolean);
	return where.length ? (await tx.s.all<Row>(`SELECT * FROM members WHERE ${where.join(' OR ')}`, [...ids, ...emails])).map(toMember) : [];
}

/**
 * Locks the pool and its member rows for the rest of the transaction and reads them (PostgreSQL;
 * SQLite has one writer already). Callers lock their lead first: always lead, then pool.
 * The member rows are locked in the same statement that reads them: a statement that waited
 * for a lock sees the latest version of the rows it locked, so the credits read are the ones
 * the previous holder committed (a row it only joined would come from before the wait).
 */
export async function lockPool(
	tx: Tx,
	name: string,
	leadId: number | null,
	options: { lock?: boolean } = {},
): Promise<LockedPool | undefined> {
	const lock = options.lock !== false && tx.s.dialect === 'postgres';
	const forUpdate = (of: string) => (lock ? `FOR UPDATE OF ${of}` : '');
	const read = () =>
		tx.s.all<Row>(
			`SELECT p.id AS pool_id, p.name AS pool_name, p.cycle, p.cycle_start, p.turns, pm.weight, pm.active AS pool_active,
				(SELECT a.member_id FROM assignments a WHERE a.lead_id = $2 AND a.pool_id = p.id AND a.mode = 'round_robin'
					ORDER BY a.id DESC LIMIT 1) AS previous_member_id, m.*
			FROM pools p JOIN pool_members pm ON pm.pool_id = p.id JOIN members m ON m.id = pm.member_id
			WHERE lower(p.name) = lower($1) ORDER BY pm.member_id ${forUpdate('p, pm')}`,
			[name, leadId],
		);
	let rows = await read();
	if (rows.length === 0) {
		// No pool, or one whose members were not committed when this statement began (another
		// transaction is defining it): lock the pool row alone, then read again from now.
		const row = await tx.s.get<Row>(
			`SELECT id AS pool_id, name AS pool_name, cycle, cycle_start, turns FROM pools p WHERE lower(p.name) = lower($1) ${forUpdate('p')}`,
			[name],
		);
		if (!row) return undefined;
		rows = await read();
		if (rows.length === 0) return { id: Number(row.pool_id), name: String(row.pool_name), members: [], ...rotationOf(row), previousMemberId: null };
	}
	const previous = rows[0].previous_member_id;
	return {
		id: Number(rows[0].pool_id),
		name: String(rows[0].pool_name),
		members: rows.map(toPoolMember),
		...rotationOf(rows[0]),
		previousMemberId: previous === null || previous === undefined ? null : Number(previous),
	};
}

/**
 * Finds (or, given members, creates) the pool, locked, with the definition applied. Returns
 * its members as they now stand, read once under the lock, and (given a lead) the member the
 * pool last gave that lead.
 */
export async function upsertPool(
	tx: Tx,
	definition: ResolvedPoolDefinition,
	field = 'pool',
	leadId: number | null = null,
	/** The pool as lockPool read it already (null: there was none). */
	locked?: LockedPool | null,
): Promise<LockedPool> {
	let pool = locked === undefined ? await lockPool(tx, definition.name, leadId) : locked;
	if (!pool) {
		if (!definition.members) throw notFound(`${field}.name`, `${field}.name: no pool named ${describe(definition.name)}; give its members to create it`);
		await tx.s.run('INSERT INTO pools (name, created_at, updated_at) VALUES ($1, $2, $2) ON CONFLICT DO NOTHING', [definition.name, tx.now()]);
		pool = (await lockPool(tx, definition.name, leadId))!;
	}
	if (definition.members) pool.members = await applyMembers(tx, pool.id, pool.members, definition.members);
	await ensureCycle(tx, pool);
	return pool;
}

const rotationOf = (row: Row) => ({ cycle: JSON.parse(String(row.cycle ?? '[]')) as number[], cycleStart: Number(row.cycle_start ?? 1), turns: Number(row.turns ?? 0) });

/** The cycle the pool's active members and weights make (team members away or not). */
const cycleFor = (members: PoolMember[]) => rotationCycle(members.filter((m) => m.active).map((m) => ({ memberId: m.member.id, weight: m.weight })));

/** PostgreSQL: the sequence a pool's turns are numbered by (ids are numbers, so the name is safe). */
const turnSequence = (poolId: number) => `pool_turns_${Number(poolId)}`;

/**
 * Makes the stored cycle the one the pool's members make, starting a new cycle at the next turn
 * when it differs (a definition changed, or a pool from before migration 9). Mutates `pool`.
 */
export async function ensureCycle(tx: Tx, pool: LockedPool): Promise<void> {
	const wanted = cycleFor(pool.members);
	if (JSON.stringify(wanted) === JSON.stringify(pool.cycle)) return;
	if (tx.s.dialect === 'postgres') {
		// Under the pool's lock: a concurrent definer may have stored it already.
		const row = await tx.s.get<Row>('SELECT cycle, cycle_start, turns FROM pools WHERE id = $1 FOR UPDATE', [pool.id]);
		Object.assign(pool, rotationOf(row!));
		if (JSON.stringify(wanted) === JSON.stringify(pool.cycle)) return;
		await tx.s.run(`CREATE SEQUENCE IF NOT EXISTS ${turnSequence(pool.id)}`);
		pool.cycleStart = (await lastTurn(tx, pool)) + 1;
		await tx.s.run('DELETE FROM pool_turn_returns WHERE pool_id = $1', [pool.id]);
	} else {
		pool.cycleStart = pool.turns + 1;
	}
	pool.cycle = wanted;
	await tx.s.run('UPDATE pools SET cycle = $2, cycle_start = $3 WHERE id = $1', [pool.id, JSON.stringify(wanted), pool.cycleStart]);
}

/** The last turn taken: the pool row's count on SQLite, its sequence on PostgreSQL (0: none yet). */
async function lastTurn(tx: Tx, pool: { id: number; turns: number }): Promise<number> {
	if (tx.s.dialect !== 'postgres') return pool.turns;
	const exists = await tx.s.get<Row>('SELECT to_regclass($1) IS NOT NULL AS present', [turnSequence(pool.id)]);
	if (!exists?.present) return 0;
	const row = await tx.s.get<Row>(`SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS last FROM ${turnSequence(pool.id)}`);
	return Number(row?.last ?? 0);
}

/**
 * SQLite's pick (one writer, so the count in the pool row is the truth): the next eligible turn,
 * and the write that takes it, to go with the assignment's own writes.
 */
export function takeTurn(pool: LockedPool, eligible: (memberId: number) => boolean): { memberId: number; turn: number; write: readonly [string, unknown[]] } | undefined {
	const next = nextEligibleTurn(pool.cycle, pool.cycleStart, pool.turns, eligible);
	return next && { ...next, write: ['UPDATE pools SET turns = $2 WHERE id = $1', [pool.id, next.turn]] };
}

/** Whose turn is next on the pool as stored: a turn given back first (PostgreSQL), then the next one. */
async function nextMember(tx: Tx, pool: LockedPool, last: number): Promise<number | null> {
	const eligible = new Set(pool.members.filter((m) => m.eligible).map((m) => m.member.id));
	if (pool.cycle.length === 0) return null;
	if (tx.s.dialect === 'postgres') {
		const returned = await tx.s.all<Row>('SELECT turn FROM pool_turn_returns WHERE pool_id = $1 AND turn >= $2 ORDER BY turn', [pool.id, pool.cycleStart]);
		const back = returned.map((r) => memberAtTurn(pool.cycle, pool.cycleStart, Number(r.turn))).find((id) => eligible.has(id));
		if (back !== undefined) return back;
	}
	return nextEligibleTurn(pool.cycle, pool.cycleStart, last, (id) => eligible.has(id))?.memberId ?? null;
}

/** Whether applying `definition` to the pool as read would change nothing. */
export function definitionMatches(pool: LockedPool, definition: ResolvedPoolDefinition): boolean {
	if (!definition.members) return true;
	const wanted = new Map(definition.members.map((m) => [m.member.id, m.weight]));
	return (
		definition.members.every((w) => pool.members.some((m) => m.member.id === w.member.id && m.active && m.weight === w.weight)) &&
		pool.members.every((m) => !m.active || wanted.has(m.member.id))
	);
}

/** Writes only what differs, so re-running the same definition costs no write at all. */
async function applyMembers(
	tx: Tx,
	poolId: number,
	stored: PoolMember[],
	wanted: { member: Member; weight: number }[],
): Promise<PoolMember[]> {
	const byId = new Map(stored.map((m) => [m.member.id, m]));
	const result: PoolMember[] = [];
	let changed = false;
	for (const { member, weight } of wanted) {
		const current = byId.get(member.id);
		if (!current) {
			await tx.s.run('INSERT INTO pool_members (pool_id, member_id, weight, credit, active) VALUES ($1, $2, $3, 0, $4)', [poolId, member.id, weight, true]);
			changed = true;
		} else if (current.weight !== weight || !current.active) {
			await tx.s.run('UPDATE pool_members SET weight = $3, active = $4 WHERE pool_id = $1 AND member_id = $2', [poolId, member.id, weight, true]);
			changed = true;
		}
		// Prefer the member as read under the lock; the definition was resolved before it.
		const latest = current?.member ?? member;
		result.push({ member: latest, weight, active: true, eligible: latest.active });
	}
	const listed = new Set(wanted.map((w) => w.member.id));
	for (const m of stored) {
		if (listed.has(m.member.id)) continue;
		if (m.active) {
			await tx.s.run('UPDATE pool_members SET active = $3 WHERE pool_id = $1 AND member_id = $2', [poolId, m.member.id, false]);
			changed = true;
		}
		result.push({ ...m, active: false, eligible: false });
	}
	if (changed) await tx.s.run('UPDATE pools SET updated_at = $2 WHERE id = $1', [poolId, tx.now()]);
	return result.sort((x, y) => x.member.id - y.member.id);
}

const POOL_MEMBERS_SELECT = `SELECT pm.weight, pm.active AS pool_active, m.*
	FROM pool_members pm JOIN members m ON m.id = pm.member_id WHERE pm.pool_id = $1 ORDER BY pm.member_id`;

export async function poolMembers(tx: Tx, poolId: number): Promise<PoolMember[]> {
	return (await tx.s.all<Row>(POOL_MEMBERS_SELECT, [poolId])).map(toPoolMember);
}

function toPoolMember(r: Row): PoolMember {
	const member = toMember(r);
	const active = bool(r.pool_active);
	return { member, weight: Number(r.weight), active, eligible: active && member.active };
}

/** Creates or updates a pool from its definition (the Lead node's "define pool"). */
export async function definePool(tx: Tx, definition: PoolDefinition): Promise<Pool> {
	const resolved = await resolvePoolDefinition(tx, definition);
	if (!resolved.members) throw invalid('pool.members', `pool.members: give the members of pool "${resolved.name}"`);
	const { id } = await upsertPool(tx, resolved);
	return getPool(tx, id);
}

/** A pool by name (any case) or id, with every member it has had and their standing. */
export async function getPool(tx: Tx, ref: unknown, field = 'pool'): Promise<Pool> {
	const { row, members } = await findPool(tx, ref, field);
	const id = Number(row.id);
	const rotation = { id, name: String(row.name), members, ...rotationOf(row), previousMemberId: null };
	// A pool from before migration 9 has no cycle stored yet: show the one its next pick stores.
	if (rotation.cycle.length === 0) Object.assign(rotation, { cycle: cycleFor(members), cycleStart: rotation.turns + 1 });
	const last = await lastTurn(tx, rotation);
	return {
		id,
		name: rotation.name,
		members,
		turns: await turnsTaken(tx, rotation, last),
		nextMemberId: await nextMember(tx, rotation, last),
		createdAt: Number(row.created_at),
		updatedAt: Number(row.updated_at),
	};
}

/** A pool's row and members, by name (any case) or id; not found is an error naming `field`. */
export async function findPool(tx: Tx, ref: unknown, field = 'pool'): Promise<{ row: Row; members: PoolMember[] }> {
	const key = typeof ref === 'object' && ref !== null ? ((ref as { id?: unknown; name?: unknown }).id ?? (ref as { name?: unknown }).name) : ref;
	let row: Row | undefined;
	if (typeof key === 'number') row = await tx.s.get<Row>('SELECT * FROM pools WHERE id = $1', [key]);
	else if (typeof key === 'string' && key.trim() !== '') row = await tx.s.get<Row>('SELECT * FROM pools WHERE lower(name) = lower($1)', [key.trim()]);
	else throw invalid(field, `${field} is required`);
	if (!row) throw notFound(field, `${field}: no pool named ${describe(key)}`);
	return { row, members: await poolMembers(tx, Number(row.id)) };
}

/** Turns taken and kept: the last turn less those given back (PostgreSQL). */
async function turnsTaken(tx: Tx, pool: LockedPool, last: number): Promise<number> {
	if (tx.s.dialect !== 'postgres') return last;
	const back = await tx.s.get<Row>('SELECT COUNT(*) AS n FROM pool_turn_returns WHERE pool_id = $1', [pool.id]);
	return last - Number(back?.n ?? 0);
}

export async function listPools(tx: Tx): Promise<{ id: number; name: string; members: number; eligible: number }[]> {
	const rows = await tx.s.all<Row>(
		`SELECT p.id, p.name,
			COUNT(pm.member_id) AS members,
			SUM(CASE WHEN pm.active = $1 AND m.active = $1 THEN 1 ELSE 0 END) AS eligible
		FROM pools p LEFT JOIN pool_members pm ON pm.pool_id = p.id LEFT JOIN members m ON m.id = pm.member_id
		GROUP BY p.id, p.name ORDER BY lower(p.name)`,
		[true],
	);
	return rows.map((r) => ({ id: Number(r.id), name: String(r.name), members: Number(r.members), eligible: Number(r.eligible ?? 0) }));
}

/** The error for a pool whose members are all away, listing them so the reason is plain. */
export function nobodyEligible(poolName: string, members: { member: Member }[]) {
	const names = members.map((m) => m.member.name).join(', ');
	return conflict('pool.members', `pool.members: every member of pool "${poolName}" is inactive (${names}); activate one or add an active member`);
}
