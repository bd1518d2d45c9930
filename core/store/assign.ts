/**
 * Assigning leads: to a given member, by round robin over a named pool, or to nobody.
 *
 * Round robin is atomic: each pick takes the pool's next turn number (SQLite: the count in the
 * pool row, under its single writer; PostgreSQL: the pool's sequence, which never waits), so
 * concurrent executions and queue-mode workers each get their own turn (core/store/pools.ts).
 * A lead that a pool has assigned before gets the same member again unless `reassign` is set
 * (or that member no longer takes turns), and such a repeat uses up no turn.
 */
import { conflict, invalid } from '../errors';
import type { Lead, Member, MemberRef, WriteContext } from '../model';
import { oneOf } from '../validation';
import type { SqlDriver, Statement } from '../sql/SqlDriver';
import { assignmentStatements, getLead, lockLead, parseLeadId } from './leads';
import { resolveMember } from './members';
import {
	definitionMatches,
	ensureCycle,
	keyOf,
	lockPool,
	nobodyEligible,
	parsePoolDefinition,
	resolveParsed,
	takeTurn,
	upsertPool,
	type ParsedPoolDefinition,
	type PoolDefinition,
	type PoolMember,
} from './pools';
import { LEAD_LOCK_SELECT, toLead, toMember, type Row } from './rows';
import type { Tx } from './Tx';

export const WHEN_ASSIGNED = ['skip', 'overwrite'] as const;
export type WhenAssigned = (typeof WHEN_ASSIGNED)[number];

export type AssignOptions =
	| { mode: 'member'; member: MemberRef | unknown; whenAssigned?: WhenAssigned }
	| { mode: 'round_robin'; pool: PoolDefinition; reassign?: boolean; whenAssigned?: WhenAssigned }
	| { mode: 'unassign' };

export interface AssignResult {
	lead: Lead;
	/** The owner now (for a skip: the owner the lead kept). */
	member: Member | null;
	pool: { id: number; name: string } | null;
	/** Whether the lead's owner changed. */
	changed: boolean;
	skipped?: true;
	/** Why nothing changed, or why the member was chosen the way it was. */
	reason?: string;
	/** Round robin: the member this pool gave the lead before; no turn was used. */
	repeated?: boolean;
}

export async function assignLead(tx: Tx, leadId: unknown, options: AssignOptions, context: WriteContext = {}): Promise<AssignResult> {
	if (typeof options !== 'object' || options === null) throw invalid('mode', 'mode is required');
	const mode = oneOf('mode', options.mode, ['member', 'round_robin', 'unassign'] as const);
	switch (mode) {
		case 'member':
			return assignMember(tx, leadId, options as Extract<AssignOptions, { mode: 'member' }>, context);
		case 'round_robin':
			return assignRoundRobin(tx, leadId, options as Extract<AssignOptions, { mode: 'round_robin' }>, context);
		case 'unassign':
			return unassign(tx, leadId, context);
	}
}

const reassigning = (value: unknown) => value === true || value === 'true';

const whenAssigned = (value: unknown): WhenAssigned =>
	value === undefined || value === null || value === '' ? 'skip' : oneOf('whenAssigned', value, WHEN_ASSIGNED);

// The owner is read only after the locks, so two "only if unassigned" callers cannot both see
// an unowned lead.
function skipped(lead: Lead): AssignResult | null {
	if (!lead.owner) return null;
	return {
		lead,
		member: null,
		pool: null,
		changed: false,
		skipped: true,
		reason: `lead ${lead.id} is assigned to ${lead.owner.name} already; set "If Already Assigned" to Overwrite to change it`,
	};
}

async function assignMember(tx: Tx, leadId: unknown, options: { member: unknown; whenAssigned?: unknown }, context: WriteContext): Promise<AssignResult> {
	const when = whenAssigned(options.whenAssigned);
	const member = await resolveMember(tx, options.member, 'member');
	if (!member.active) throw conflict('member', `member: team member ${member.name} is inactive`);
	const lead = await lockLead(tx, leadId);
	if (lead.owner?.id === member.id) return { lead, member, pool: null, changed: false, reason: `lead ${lead.id} is assigned to ${member.name} already` };
	const skip = when === 'skip' ? skipped(lead) : null;
	if (skip) return { ...skip, member: await resolveMember(tx, lead.owner!.id) };
	return setOwner(tx, lead, member, null, 'member', context);
}

async function unassign(tx: Tx, leadId: unknown, context: WriteContext): Promise<AssignResult> {
	const lead = await lockLead(tx, leadId);
	if (!lead.owner) return { lead, member: null, pool: null, changed: false, reason: `lead ${lead.id} has no owner` };
	return setOwner(tx, lead, null, null, 'unassign', context);
}

async function assignRoundRobin(
	tx: Tx,
	leadId: unknown,
	options: { pool: PoolDefinition; reassign?: unknown; whenAssigned?: unknown },
	context: WriteContext,
): Promise<AssignResult> {
	const when = whenAssigned(options.whenAssigned);
	const reassign = reassigning(options.reassign);
	const parsed = parsePoolDefinition(options.pool);
	const server = tx.s.dialect === 'postgres';
	let lead: Lead | undefined;
	if (server) {
		const done = await serverAssign(tx, leadId, parsed, reassign, when, context);
		if ('member' in done) return done;
		lead = done.lead;
	}
	lead ??= await lockLead(tx, leadId);
	// Skipping changes nothing at all, not even the pool's definition (still checked in full).
	const skip = when === 'skip' ? skipped(lead) : null;
	if (skip) {
		await resolveParsed(tx, parsed);
		return { ...skip, member: await resolveMember(tx, lead.owner!.id) };
	}

	// SQLite (one writer): the pool's members, rotation and what it gave this lead before, read
	// once. PostgreSQL, in the cases serverAssign leaves here: the same read without a lock; a
	// definition that changes the pool locks and re-reads it first.
	const seen = (await lockPool(tx, parsed.name, lead.id, { lock: !server })) ?? null;
	const definition = await resolveParsed(tx, parsed, seen?.members.map((m) => m.member));
	if (definition.members && !definition.members.some((m) => m.member.active)) throw nobodyEligible(definition.name, definition.members);
	const current = server && seen && definitionMatches(seen, definition) ? seen : await upsertPool(tx, definition, 'pool', lead.id, server ? undefined : seen);
	await ensureCycle(tx, current);
	const { members, previousMemberId } = current;
	const pool = { id: current.id, name: current.name };
	const eligible = members.filter((m) => m.eligible);
	// A stored pool used by name, or a member deactivated since the definition was read.
	if (eligible.length === 0) throw nobodyEligible(pool.name, members);

	if (!reassign) {
		// The lead is locked, so what the pool gave it before cannot change under us.
		const again = previousMemberId !== null && eligible.find((m) => m.member.id === previousMemberId);
		if (again) {
			const reason = `pool "${pool.name}" gave lead ${lead.id} to ${again.member.name} before; set reassign to pick anew`;
			if (lead.owner?.id === again.member.id) return { lead, member: again.member, pool, changed: false, repeated: true, reason };
			return { ...(await setOwner(tx, lead, again.member, pool, 'round_robin', context)), repeated: true, reason };
		}
	}
	if (server) return { ...(await serverTurn(tx, lead, pool, members, context)), repeated: false };

	const turn = takeTurn(current, (id) => eligible.some((m) => m.member.id === id));
	if (!turn) throw nobodyEligible(pool.name, members);
	const winner = eligible.find((m) => m.member.id === turn.memberId)!.member;
	return { ...(await setOwner(tx, lead, winner, pool, 'round_robin', context, [turn.write], turn.turn)), repeated: false };
}

/**
 * PostgreSQL: a turn comes from a sequence, which a rollback does not undo. Should this
 * transaction not commit, the turn is given back and the pool's next pick takes it (its member's
 * turn), so a failed run costs nobody their share.
 */
function giveBackIfRolledBack(tx: Tx, poolId: number, turn: number) {
	tx.s.afterRollback(['INSERT INTO pool_turn_returns (pool_id, turn) VALUES ($1, $2) ON CONFLICT DO NOTHING', [poolId, turn]]);
}

/**
 * PostgreSQL, the common case in one statement (one round trip besides BEGIN and COMMIT): it
 * locks the lead, and lead_round_robin_assign (migration 8) checks the pool against the
 * definition and takes the turn, writing owner, history and event. The function declines, having
 * written nothing, whatever it does not take (a skip, a repeat, a definition that changes the
 * pool, no such pool or nobody eligible); the caller then goes on with the lead locked here.
 */
async function serverAssign(
	tx: Tx,
	leadId: unknown,
	parsed: ParsedPoolDefinition,
	reassign: boolean,
	when: WhenAssigned,
	context: WriteContext,
): Promise<AssignResult | { lead?: Lead }> {
	const now = tx.now();
	const pick = serverPick(leadId, parsed, reassign, when, context, now);
	if (!pick) return {};
	const row = await tx.s.get<Row>(...pick);
	if (!row) return {};
	if (!tookTurn(row)) return { lead: toLead(row) };
	giveBackIfRolledBack(tx, Number(row.r_pool), Number(row.r_turn));
	await tx.s.signalEvents();
	return pickedBy(row, now);
}

/**
 * A round-robin assignment as a transaction of its own, where PostgreSQL can take it in one
 * statement and one round trip (SqlDriver.statementAlone): the lead's lock, the turn and the
 * writes commit as that statement answers. Undefined, having written nothing, for everything
 * else (SQLite, another mode, a pick the server function declines): run assignLead in a
 * transaction then, which also names any bad input.
 */
export async function assignAlone(driver: SqlDriver, now: number, leadId: unknown, options: AssignOptions, context: WriteContext = {}): Promise<AssignResult | undefined> {
	if (!driver.statementAlone || options?.mode !== 'round_robin') return undefined;
	let pick: Statement | undefined;
	try {
		pick = serverPick(leadId, parsePoolDefinition(options.pool), reassigning(options.reassign), whenAssigned(options.whenAssigned), context, now);
	} catch {
		return undefined;
	}
	if (!pick) return undefined;
	const [row] = await driver.statementAlone<Row>(pick[0], pick[1], { events: true });
	if (!row || !tookTurn(row)) return undefined;
	return pickedBy(row, now);
}

/** The one-statement pick (see serverAssign); undefined when the definition must go the slow way. */
function serverPick(leadId: unknown, parsed: ParsedPoolDefinition, reassign: boolean, when: WhenAssigned, context: WriteContext, now: number): Statement | undefined {
	const id = parseLeadId(leadId);
	// The definition as ids and weights in id order. References by email, or not ids at all, go
	// the slow way (which resolves them, or names the bad one in its error).
	const entries = parsed.entries?.map((e) => ({ id: keyOf(e.ref), weight: e.weight })).sort((a, b) => Number(a.id) - Number(b.id)) ?? [];
	if (entries.some((e, i) => typeof e.id !== 'number' || e.id === entries[i - 1]?.id)) return undefined;
	return [
		`WITH x AS MATERIALIZED (${LEAD_LOCK_SELECT} WHERE l.id = $1 FOR UPDATE OF l)
		SELECT x.*, r.r_winner, r.r_pool, r.r_pool_name, r.r_member, r.r_turn FROM x LEFT JOIN LATERAL lead_round_robin_assign(
			x.id, x.owner_id, $2::boolean, $3::text, $4::boolean, $5::bigint[], $6::int[], $7::boolean, $8::bigint, $9::jsonb, $10::int) r ON true`,
		[
			id,
			when === 'skip',
			parsed.name,
			parsed.entries !== null,
			entries.map((e) => e.id),
			entries.map((e) => e.weight),
			reassign,
			now,
			JSON.stringify(context.actor ?? { kind: 'system' }),
			context.causationDepth ?? 0,
		],
	];
}

/** Whether the pick's function took a turn (it declines with no winner). */
const tookTurn = (row: Row) => row.r_winner !== null && row.r_winner !== undefined;

/** The assignment a pick's row tells of: the lead as it now is, its new owner and the pool. */
function pickedBy(row: Row, now: number): AssignResult {
	const lead = toLead(row);
	const member = toMember(row.r_member as Row);
	const changed = lead.owner?.id !== member.id;
	const after = changed ? { ...lead, owner: { id: member.id, name: member.name, email: member.email, active: member.active }, updatedAt: now } : lead;
	return { lead: after, member, pool: { id: Number(row.r_pool), name: String(row.r_pool_name) }, changed, repeated: false };
}

/**
 * PostgreSQL: the turn (lead_round_robin_turn, migration 9), the owner, the history row and the
 * lead.assigned event in one statement.
 */
async function serverTurn(
	tx: Tx,
	lead: Lead,
	pool: { id: number; name: string },
	members: PoolMember[],
	context: WriteContext,
): Promise<Omit<AssignResult, 'repeated'>> {
	const now = tx.now();
	const previous = lead.owner?.id ?? null;
	await tx.s.signalEvents();
	const row = await tx.s.get<{ winner: number | null; turn: number | null }>(
		`WITH pick AS (SELECT r_winner AS winner, r_turn AS turn FROM lead_round_robin_turn($1::bigint, $2::bigint[]) WHERE r_winner IS NOT NULL),
		owner AS (UPDATE leads SET owner_id = pick.winner, updated_at = $3::bigint FROM pick
			WHERE leads.id = $4::bigint AND pick.winner IS NOT NULL AND leads.owner_id IS DISTINCT FROM pick.winner),
		history AS (INSERT INTO assignments (lead_id, member_id, pool_id, mode, at, turn)
			SELECT $4::bigint, winner, $1::bigint, 'round_robin', $3::bigint, turn FROM pick WHERE winner IS NOT NULL),
		event AS (INSERT INTO events (type, lead_id, occurred_at, actor, causation_depth, data)
			SELECT 'lead.assigned', $4::bigint, $3::bigint, $5::jsonb, $6::int,
				jsonb_build_object('memberId', winner, 'previousOwnerId', $7::bigint, 'poolId', $1::bigint, 'mode', 'round_robin')
			FROM pick WHERE winner IS NOT NULL)
		SELECT winner, turn FROM pick`,
		[pool.id, members.filter((m) => m.eligible).map((m) => m.member.id), now, lead.id, JSON.stringify(context.actor ?? { kind: 'system' }), context.causationDepth ?? 0, previous],
	);
	const winnerId = row?.winner === null || row?.winner === undefined ? null : Number(row.winner);
	if (winnerId === null) throw nobodyEligible(pool.name, members);
	giveBackIfRolledBack(tx, pool.id, Number(row!.turn));
	const member = members.find((m) => m.member.id === winnerId)?.member ?? (await resolveMember(tx, winnerId));
	const changed = previous !== winnerId;
	const after = changed ? { ...lead, owner: { id: member.id, name: member.name, email: member.email, active: member.active }, updatedAt: now } : lead;
	return { lead: after, member, pool, changed };
}

/**
 * Sets the owner and records the assignment: on PostgreSQL the owner, the history row, the
 * event and `also` (SQLite's round robin: the pool's turn count) go as one statement.
 */
async function setOwner(
	tx: Tx,
	lead: Lead,
	member: Member | null,
	pool: { id: number; name: string } | null,
	mode: 'member' | 'round_robin' | 'unassign',
	context: WriteContext,
	also: Statement[] = [],
	turn: number | null = null,
): Promise<AssignResult> {
	const previous = lead.owner?.id ?? null;
	const memberId = member?.id ?? null;
	const changed = previous !== memberId;
	let after = lead;
	const writes = [...also];
	if (changed) {
		const now = tx.now();
		writes.push(['UPDATE leads SET owner_id = $2, updated_at = $3 WHERE id = $1', [lead.id, memberId, now]]);
		// The lead was read under the locks, so this is exactly what a re-read would return.
		after = { ...lead, owner: member && { id: member.id, name: member.name, email: member.email, active: member.active }, updatedAt: now };
	}
	// A reassign can land on the current owner: it is still a turn, so it is still recorded.
	writes.push(...(await assignmentStatements(tx, lead.id, memberId, pool?.id ?? null, mode, previous, context, turn)));
	await tx.s.runAll(writes);
	return { lead: after, member, pool, changed };
}

export interface Assignment {
	id: number;
	leadId: number;
	member: Pick<Member, 'id' | 'name' | 'email' | 'active'> | null;
	pool: { id: number; name: string } | null;
	mode: 'member' | 'round_robin' | 'unassign';
	at: number;
}

/** A lead's assignment history, oldest first. */
export async function listAssignments(tx: Tx, leadId: unknown): Promise<Assignment[]> {
	const lead = await getLead(tx, leadId);
	const rows = await tx.s.all<Row>(
		`SELECT a.id AS assignment_id, a.lead_id, a.mode, a.at, a.pool_id, p.name AS pool_name, m.*
		FROM assignments a LEFT JOIN members m ON m.id = a.member_id LEFT JOIN pools p ON p.id = a.pool_id
		WHERE a.lead_id = $1 ORDER BY a.at, a.id`,
		[lead.id],
	);
	return rows.map((r) => {
		const member = r.id === null || r.id === undefined ? null : toMember(r);
		return {
			id: Number(r.assignment_id),
			leadId: Number(r.lead_id),
			member: member && { id: member.id, name: member.name, email: member.email, active: member.active },
			pool: r.pool_id === null || r.pool_id === undefined ? null : { id: Number(r.pool_id), name: String(r.pool_name) },
			mode: r.mode as Assignment['mode'],
			at: Number(r.at),
		};
	});
}

