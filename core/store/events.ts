/**
 * The events outbox. Every write a trigger can see appends its event in the same transaction,
 * so an event exists exactly when its change does.
 *
 * Readers go by position: (xid, id), the writing transaction's id, then the event id. The
 * trap (DESIGN.md) is a transaction that commits after a reader has passed its place; on
 * PostgreSQL transactions commit in any order, so an id cursor alone could step over an event
 * that commits late. The rule that closes it, with no lock between writers:
 *
 * - each event stores its transaction's `pg_current_xact_id()` (migration 4: the column default);
 * - a reader takes only events whose xid is below `pg_snapshot_xmin(pg_current_snapshot())`,
 *   the oldest transaction still running: every transaction below it has ended for good, so
 *   the set of visible events below that horizon never grows again;
 * - any event not yet visible belongs to a transaction at or above the horizon (running, or
 *   started later, which gets a higher xid), so its position lies after every position read:
 *   a cursor on (xid, id) never skips it, and never sees one twice.
 *
 * SQLite has one writer at a time, so ids are in commit order already; its xid stays 0.
 */
import type { Actor, LeadEvent, LeadEventType, WriteContext } from '../model';
import type { Dialect, Statement } from '../sql/SqlDriver';
import { toEvent, type Row } from './rows';
import type { Tx } from './Tx';

/** Where a reader stands: every event at or before it has been handled. */
export interface EventPosition {
	/** The writing transaction's id (PostgreSQL); 0 on SQLite and for events older than migration 4. */
	xid: number;
	id: number;
}

/** Before every event. */
export const START: EventPosition = Object.freeze({ xid: 0, id: 0 });

export const comparePositions = (a: EventPosition, b: EventPosition) => a.xid - b.xid || a.id - b.id;
export const isAfter = (a: EventPosition, b: EventPosition) => comparePositions(a, b) > 0;
export const maxPosition = (a: EventPosition, b: EventPosition) => (isAfter(a, b) ? a : b);

/** A position from anything that looks like one; a bare number is an event id on the old (0) xid. */
export function toPosition(value: EventPosition | number | null | undefined): EventPosition {
	if (value === null || value === undefined) return START;
	if (typeof value === 'number') return { xid: 0, id: value };
	return { xid: Number(value.xid), id: Number(value.id) };
}

/**
 * The condition "this event's transaction has ended for good" on `alias`, for a WHERE clause.
 * PostgreSQL evaluates the horizon from the statement's own snapshot, so it and the rows read
 * agree. SQLite: always true.
 */
export const settledClause = (dialect: Dialect, alias = 'events') =>
	dialect === 'postgres' ? `${alias}.xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint` : '1 = 1';

/**
 * The position comparisons for a WHERE clause on `alias`, pushing their parameters. SQLite's
 * xid is always 0, so there they are plain id comparisons on the primary key; PostgreSQL
 * compares rows, which its (xid, id) index serves directly.
 */
export function positionClause(dialect: Dialect, alias: string, op: '>' | '<=', position: EventPosition, params: unknown[]): string {
	if (dialect !== 'postgres') {
		params.push(position.id);
		return `${alias}.id ${op} $${params.length}`;
	}
	params.push(position.xid, position.id);
	return `(${alias}.xid, ${alias}.id) ${op} ($${params.length - 1}, $${params.length})`;
}

/** ORDER BY position on `alias`. */
export const positionOrder = (dialect: Dialect, alias: string, direction: 'ASC' | 'DESC' = 'ASC') =>
	dialect === 'postgres' ? `${alias}.xid ${direction}, ${alias}.id ${direction}` : `${alias}.id ${direction}`;

export const EVENT_INSERT = `INSERT INTO events (type, lead_id, occurred_at, actor, causation_depth, data) VALUES ($1, $2, $3, $4, $5, $6)`;

/** The INSERT of one event, for batching with the operation's other writes (SqlSession.runAll). */
export async function eventStatement(
	tx: Tx,
	type: LeadEventType,
	leadId: number,
	data: Record<string, unknown>,
	context: WriteContext = {},
): Promise<Statement> {
	await tx.s.signalEvents();
	const actor: Actor = context.actor ?? { kind: 'system' };
	return [
		EVENT_INSERT,
		[type, leadId, tx.now(), JSON.stringify(actor), context.causationDepth ?? 0, JSON.stringify(data)],
	];
}

export async function appendEvent(...args: Parameters<typeof eventStatement>): Promise<void> {
	const [sql, params] = await eventStatement(...args);
	await args[0].s.run(sql, params);
}

/**
 * Committed events with an id above `after`, in id order: for looking at the outbox (tests, a
 * history). Not a delivery cursor: on PostgreSQL an event with a lower id can still commit
 * later; delivery reads by position (readEventWindow in core/delivery/eventQuery.ts).
 */
export async function readEvents(
	tx: Tx,
	options: { after: number; types?: readonly LeadEventType[]; limit?: number },
): Promise<LeadEvent[]> {
	const params: unknown[] = [options.after, options.limit ?? 500];
	let typeClause = '';
	if (options.types?.length) {
		typeClause = `AND type IN (${options.types.map((t) => (params.push(t), `$${params.length}`)).join(', ')})`;
	}
	const rows = await tx.s.all<Row>(`SELECT * FROM events WHERE id > $1 ${typeClause} ORDER BY id LIMIT $2`, params);
	return rows.map(toEvent);
}

/** How many committed events are not settled yet (their transaction's horizon has not passed). */
export async function unsettledEvents(tx: Tx): Promise<number> {
	if (tx.s.dialect !== 'postgres') return 0;
	const row = await tx.s.get<{ n: number }>(`SELECT COUNT(*) AS n FROM events WHERE NOT (${settledClause(tx.s.dialect)})`);
	return Number(row?.n ?? 0);
}

/**
 * The position of the newest settled event: where a subscription that starts "now" begins.
 * Events of transactions still running (or that committed while an older one still runs) come
 * after it, so starting here never loses one that commits later.
 */
export async function latestPosition(tx: Tx): Promise<EventPosition> {
	const row = await tx.s.get<{ xid: number; id: number }>(
		`SELECT xid, id FROM events WHERE ${settledClause(tx.s.dialect)} ORDER BY ${positionOrder(tx.s.dialect, 'events', 'DESC')} LIMIT 1`,
	);
	return row ? { xid: Number(row.xid), id: Number(row.id) } : START;
}

/** The highest event id written (settled or not). */
export async function latestEventId(tx: Tx): Promise<number> {
	const row = await tx.s.get<{ id: number | null }>('SELECT MAX(id) AS id FROM events');
	return Number(row?.id ?? 0);
}
