/**
 * The events outbox. Every write a trigger can see appends its event in the same transaction,
 * so an event exists exactly when its change does.
 *
 * PostgreSQL trap: ids come from a sequence at insert, but transactions commit in any order, so
 * a reader past id 101 could miss id 100 committing later. Event writers therefore take a
 * transaction-level advisory lock before their first insert: ids are then handed out in commit
 * order, and a cursor on id alone never skips. (SQLite has one writer at a time already.)
 */
import type { Actor, LeadEvent, LeadEventType, WriteContext } from '../model';
import type { SqlSession } from '../sql/SqlDriver';
import { toEvent, type Row } from './rows';
import type { Tx } from './Tx';

/** The lock's key: one per schema, so stores in other schemas of the database never wait on ours. */
export const EVENT_WRITER_LOCK_KEY_SQL = `abs(hashtext('n8n-lead-events:' || current_schema()))::bigint`;

const locked = new WeakSet<SqlSession>();

/**
 * Takes the event-writer lock now. Write transactions take it first thing: a transaction that
 * locked a lead row before waiting here could deadlock with one that holds this lock and wants
 * the row. Taking it first makes PostgreSQL writers queue the way SQLite's do.
 */
export async function lockEventWriters(s: SqlSession): Promise<void> {
	if (locked.has(s)) return;
	if (s.dialect === 'postgres') await s.run(`SELECT pg_advisory_xact_lock(${EVENT_WRITER_LOCK_KEY_SQL})`);
	locked.add(s);
}

export async function appendEvent(
	tx: Tx,
	type: LeadEventType,
	leadId: number,
	data: Record<string, unknown>,
	context: WriteContext = {},
): Promise<number> {
	await lockEventWriters(tx.s);
	await tx.s.signalEvents();
	const actor: Actor = context.actor ?? { kind: 'system' };
	const row = await tx.s.get<{ id: number }>(
		`INSERT INTO events (type, lead_id, occurred_at, actor, causation_depth, data)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		[type, leadId, tx.now(), JSON.stringify(actor), context.causationDepth ?? 0, JSON.stringify(data)],
	);
	return Number(row!.id);
}

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

export async function latestEventId(tx: Tx): Promise<number> {
	const row = await tx.s.get<{ id: number | null }>('SELECT MAX(id) AS id FROM events');
	return Number(row?.id ?? 0);
}
