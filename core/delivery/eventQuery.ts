/**
 * The SQL that picks a trigger's events: events joined to their (current) lead, filtered by
 * type, stages and the compiled audience filter inside the database, in position order. Events whose
 * lead is gone or fails the filter simply do not come back; the caller still moves its cursor
 * past them (to the window's upper position).
 */
import { compileFilter } from '../filters/audienceFilter';
import type { StageKind } from '../model';
import type { Dialect } from '../sql/SqlDriver';
import { latestEventId, positionClause, positionOrder, settledClause, toPosition, type EventPosition } from '../store/events';
import { LEAD_COLUMNS, LEAD_JOINS, type Row } from '../store/rows';
import type { Tx } from '../store/Tx';
import type { EventCriteria } from './criteria';
import { toDelivered, type DeliveredEvent } from './payload';
import { opportunityEventSelect, opportunityMatchClause } from './opportunityCriteria';

// Lead columns named as LEAD_SELECT names them (so toLead reads the row); event columns ev_*.
const EVENT_LEAD_SELECT = `SELECT e.id AS ev_id, e.xid AS ev_xid, e.type AS ev_type, e.occurred_at AS ev_occurred_at, e.actor AS ev_actor,
	e.causation_depth AS ev_causation_depth, e.data AS ev_data,
	${LEAD_COLUMNS} FROM events e JOIN leads l ON l.id = e.lead_id ${LEAD_JOINS}`;

/** An integer from the event's JSON data; `key` is one of our constants, never user text. */
const dataInt = (dialect: Dialect, key: 'fromStageId' | 'toStageId') =>
	dialect === 'postgres' ? `(e.data ->> '${key}')::bigint` : `json_extract(e.data, '$.${key}')`;

function matchClause(criteria: EventCriteria, dialect: Dialect, params: unknown[]): string {
	const p = (value: unknown) => (params.push(value), `$${params.length}`);
	const parts = [`e.type = ${p(criteria.kind)}`];
	if (criteria.kind === 'lead.stage_changed') {
		if (criteria.toStageIds) parts.push(`${dataInt(dialect, 'toStageId')} IN (${criteria.toStageIds.map(p).join(', ')})`);
		if (criteria.fromStageIds) parts.push(`${dataInt(dialect, 'fromStageId')} IN (${criteria.fromStageIds.map(p).join(', ')})`);
	}
	if (criteria.opportunity) parts.push(...opportunityMatchClause(criteria.opportunity, dialect, params));
	if (criteria.filter) parts.push(compileFilter(criteria.filter, dialect, params));
	return parts.join(' AND ');
}

/** The SELECT a trigger's events come from: opportunity events also carry their opportunity. */
const selectFor = (criteria: EventCriteria, dialect: Dialect) => (criteria.opportunity ? opportunityEventSelect(dialect) : EVENT_LEAD_SELECT);

async function stageKinds(tx: Tx, rows: Row[]): Promise<Map<number, StageKind>> {
	const kinds = new Map<number, StageKind>();
	if (!rows.some((r) => r.ev_type === 'lead.stage_changed')) return kinds;
	for (const r of await tx.s.all<Row>('SELECT id, kind FROM stages')) kinds.set(Number(r.id), r.kind as StageKind);
	return kinds;
}

export interface EventWindow {
	/** The position of the last event looked at (matching or not); null when there was nothing after `after`. */
	upper: EventPosition | null;
	/** How many events the window spanned (all types); equal to the limit means more may follow. */
	scanned: number;
	/** The matching ones, in position order. */
	events: DeliveredEvent[];
}

/**
 * The next window of up to `limit` settled events after `after`, and those of them that match.
 * Only events whose transaction has ended for good are read (store/events.ts), so no event
 * can later appear behind the window's upper position.
 */
export async function readEventWindow(
	tx: Tx,
	options: { after: EventPosition | number; skipBefore: number; criteria: EventCriteria; limit: number },
): Promise<EventWindow> {
	const after = toPosition(options.after);
	const dialect = tx.s.dialect;
	const spanParams: unknown[] = [];
	const spanAfter = positionClause(dialect, 'events', '>', after, spanParams);
	spanParams.push(options.limit);
	const span = await tx.s.all<{ xid: number; id: number }>(
		`SELECT xid, id FROM events WHERE ${spanAfter} AND ${settledClause(dialect)} ORDER BY ${positionOrder(dialect, 'events')} LIMIT $${spanParams.length}`,
		spanParams,
	);
	if (span.length === 0) return { upper: null, scanned: 0, events: [] };
	const last = span[span.length - 1];
	const upper = { xid: Number(last.xid), id: Number(last.id) };
	const params: unknown[] = [];
	const lower = positionClause(dialect, 'e', '>', after, params);
	const within = positionClause(dialect, 'e', '<=', upper, params);
	params.push(options.skipBefore);
	const skip = `e.occurred_at >= $${params.length}`;
	const where = matchClause(options.criteria, dialect, params);
	const rows = await tx.s.all<Row>(
		`${selectFor(options.criteria, tx.s.dialect)} WHERE ${lower} AND ${within} AND ${skip} AND ${where} ORDER BY ${positionOrder(dialect, 'e')}`,
		params,
	);
	const kinds = await stageKinds(tx, rows);
	return { upper, scanned: span.length, events: rows.map((r) => toDelivered(r, kinds)) };
}

/** How far back manual mode looks for the latest matching event. */
export const SAMPLE_LOOKBACK_EVENTS = 10_000;

/**
 * The latest matching committed event among the newest `lookback` events, or null: a sample
 * moves no cursor, so it need not wait for older transactions to end.
 */
export async function latestMatchingEvent(tx: Tx, criteria: EventCriteria, lookback = SAMPLE_LOOKBACK_EVENTS): Promise<DeliveredEvent | null> {
	const latest = await latestEventId(tx);
	const params: unknown[] = [Math.max(0, latest - lookback)];
	const where = matchClause(criteria, tx.s.dialect, params);
	const row = await tx.s.get<Row>(
		`${selectFor(criteria, tx.s.dialect)} WHERE e.id > $1 AND ${where} ORDER BY e.id DESC LIMIT 1`,
		params,
	);
	if (!row) return null;
	return toDelivered(row, await stageKinds(tx, [row]));
}
