/**
 * The SQL that picks a trigger's events: events joined to their (current) lead, filtered by
 * type, stages and the compiled audience filter inside the database, in id order. Events whose
 * lead is gone or fails the filter simply do not come back; the caller still moves its cursor
 * past them (to the window's upper id).
 */
import { compileFilter } from '../filters/audienceFilter';
import type { StageKind } from '../model';
import type { Dialect } from '../sql/SqlDriver';
import { latestEventId } from '../store/events';
import { LEAD_COLUMNS, LEAD_JOINS, type Row } from '../store/rows';
import type { Tx } from '../store/Tx';
import type { EventCriteria } from './criteria';
import { toDelivered, type DeliveredEvent } from './payload';

// Lead columns named as LEAD_SELECT names them (so toLead reads the row); event columns ev_*.
const EVENT_LEAD_SELECT = `SELECT e.id AS ev_id, e.type AS ev_type, e.occurred_at AS ev_occurred_at, e.actor AS ev_actor,
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
	if (criteria.filter) parts.push(compileFilter(criteria.filter, dialect, params));
	return parts.join(' AND ');
}

async function stageKinds(tx: Tx, rows: Row[]): Promise<Map<number, StageKind>> {
	const kinds = new Map<number, StageKind>();
	if (!rows.some((r) => r.ev_type === 'lead.stage_changed')) return kinds;
	for (const r of await tx.s.all<Row>('SELECT id, kind FROM stages')) kinds.set(Number(r.id), r.kind as StageKind);
	return kinds;
}

export interface EventWindow {
	/** The highest event id looked at (matching or not); null when there was nothing after `after`. */
	upper: number | null;
	/** How many events the window spanned (all types); equal to the limit means more may follow. */
	scanned: number;
	/** The matching ones, in id order. */
	events: DeliveredEvent[];
}

/**
 * The next window of up to `limit` events after `after`, and those of them that match.
 * Safe on PostgreSQL because event writers serialise on an advisory lock (see store/events.ts):
 * once id N is visible, every lower id is committed or rolled back for good.
 */
export async function readEventWindow(
	tx: Tx,
	options: { after: number; skipBefore: number; criteria: EventCriteria; limit: number },
): Promise<EventWindow> {
	const span = await tx.s.get<{ n: number; upper: number | null }>(
		'SELECT COUNT(*) AS n, MAX(id) AS upper FROM (SELECT id FROM events WHERE id > $1 ORDER BY id LIMIT $2) w',
		[options.after, options.limit],
	);
	const scanned = Number(span?.n ?? 0);
	if (scanned === 0 || span?.upper === null || span?.upper === undefined) return { upper: null, scanned: 0, events: [] };
	const upper = Number(span.upper);
	const params: unknown[] = [options.after, upper, options.skipBefore];
	const where = matchClause(options.criteria, tx.s.dialect, params);
	const rows = await tx.s.all<Row>(
		`${EVENT_LEAD_SELECT} WHERE e.id > $1 AND e.id <= $2 AND e.occurred_at >= $3 AND ${where} ORDER BY e.id`,
		params,
	);
	const kinds = await stageKinds(tx, rows);
	return { upper, scanned, events: rows.map((r) => toDelivered(r, kinds)) };
}

/** How far back manual mode looks for the latest matching event. */
export const SAMPLE_LOOKBACK_EVENTS = 10_000;

/** The latest matching event among the newest `lookback` events, or null. */
export async function latestMatchingEvent(tx: Tx, criteria: EventCriteria, lookback = SAMPLE_LOOKBACK_EVENTS): Promise<DeliveredEvent | null> {
	const latest = await latestEventId(tx);
	const params: unknown[] = [Math.max(0, latest - lookback)];
	const where = matchClause(criteria, tx.s.dialect, params);
	const row = await tx.s.get<Row>(`${EVENT_LEAD_SELECT} WHERE e.id > $1 AND ${where} ORDER BY e.id DESC LIMIT 1`, params);
	if (!row) return null;
	return toDelivered(row, await stageKinds(tx, [row]));
}
