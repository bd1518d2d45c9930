/** Row → model mappers. SQLite hands back 0/1 and JSON text where PostgreSQL has booleans and objects. */
import { LEAD_FIELD_LIST, type LeadFieldEntry } from '../fields/leadFields';
import type { Activity, ActivityKind, Actor, Lead, LeadEvent, Member, Note, Priority, Stage, StageKind, Task } from '../model';

export type Row = Record<string, unknown>;

export const bool = (v: unknown) => v === true || v === 1 || v === '1' || v === 't';
export const json = <T>(v: unknown, fallback: T): T =>
	v === null || v === undefined ? fallback : typeof v === 'string' ? (JSON.parse(v) as T) : (v as T);
const num = (v: unknown) => Number(v);
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** Each lead field's columns in a SELECT: its own, plus the joined stage's / owner's, as `<field>_<column>`. */
export const LEAD_COLUMNS = [
	'l.*',
	...LEAD_FIELD_LIST.flatMap((f) =>
		f.kind === 'stage'
			? ['name', 'kind', 'position'].map((c) => `${f.join}.${c} AS ${f.name}_${c}`)
			: f.kind === 'member'
				? ['name', 'email', 'active'].map((c) => `${f.join}.${c} AS ${f.name}_${c}`)
				: [],
	),
].join(', ');

/** Joins the stage (always set) and the member fields (may be empty) to `leads l`. */
export const LEAD_JOINS = LEAD_FIELD_LIST.flatMap((f) =>
	f.kind === 'stage'
		? [`JOIN stages ${f.join} ON ${f.join}.id = l.${f.column}`]
		: f.kind === 'member'
			? [`LEFT JOIN members ${f.join} ON ${f.join}.id = l.${f.column}`]
			: [],
).join(' ');

export const LEAD_SELECT = `SELECT ${LEAD_COLUMNS} FROM leads l ${LEAD_JOINS}`;

/**
 * LEAD_SELECT for a statement that locks the lead's row (FOR UPDATE OF l on PostgreSQL): the
 * stage and members as scalar subqueries, not joins. A lock that waited re-reads the lead's
 * latest version, and a join on its old stage would then drop the row as if the lead were gone.
 */
export const LEAD_LOCK_SELECT = `SELECT ${[
	'l.*',
	...LEAD_FIELD_LIST.flatMap((f) =>
		f.kind === 'stage'
			? ['name', 'kind', 'position'].map((c) => `(SELECT ${c} FROM stages WHERE id = l.${f.column}) AS ${f.name}_${c}`)
			: f.kind === 'member'
				? ['name', 'email', 'active'].map((c) => `(SELECT ${c} FROM members WHERE id = l.${f.column}) AS ${f.name}_${c}`)
				: [],
	),
].join(', ')} FROM leads l`;

export const toStage = (r: Row): Stage => ({
	id: num(r.id),
	name: String(r.name),
	kind: r.kind as StageKind,
	position: num(r.position),
});

export const toMember = (r: Row): Member => ({
	id: num(r.id),
	name: String(r.name),
	email: str(r.email),
	active: bool(r.active),
	createdAt: num(r.created_at),
	updatedAt: num(r.updated_at),
});

/** A LEAD_SELECT row → Lead, field by field as LEAD_FIELDS describes them. */
export const toLead = (r: Row): Lead => {
	const lead: Record<string, unknown> = {};
	for (const f of LEAD_FIELD_LIST) lead[f.name] = leadValue(r, f);
	return lead as Lead;
};

function leadValue(r: Row, f: LeadFieldEntry): unknown {
	const v = r[f.column];
	switch (f.kind) {
		case 'id':
		case 'time':
		case 'count':
			return num(v);
		case 'stage':
			return { id: num(v), name: String(r[`${f.name}_name`]), kind: r[`${f.name}_kind`] as StageKind, position: num(r[`${f.name}_position`]) };
		case 'member':
			return v === null || v === undefined
				? null
				: { id: num(v), name: String(r[`${f.name}_name`]), email: str(r[`${f.name}_email`]), active: bool(r[`${f.name}_active`]) };
		case 'custom':
			return json(v, {});
		case 'activityKind':
			return v as ActivityKind;
		default:
			return str(v);
	}
}

export const toNote = (r: Row): Note => ({
	id: num(r.id),
	leadId: num(r.lead_id),
	content: String(r.content),
	pinned: bool(r.pinned),
	createdAt: num(r.created_at),
});

export const toTask = (r: Row): Task => ({
	id: num(r.id),
	leadId: num(r.lead_id),
	type: r.type as Task['type'],
	description: String(r.description),
	dueAt: numOrNull(r.due_at),
	assigneeId: numOrNull(r.assignee_id),
	priority: r.priority as Priority,
	required: bool(r.required),
	status: r.status as Task['status'],
	completedAt: numOrNull(r.completed_at),
	createdAt: num(r.created_at),
	poolId: numOrNull(r.pool_id),
	// holder_ids: the comma-separated aggregate tasks.ts selects along with each task.
	holderIds: String(r.holder_ids ?? '').split(',').filter(Boolean).map(Number).sort((a, b) => a - b),
	closedAt: numOrNull(r.closed_at),
	closedBy: numOrNull(r.closed_by),
	closedVia: (str(r.closed_via) as Task['closedVia']) ?? null,
	closedByActivityId: numOrNull(r.closed_by_activity),
	hold: r.hold_id
		? {
				id: String(r.hold_id),
				executionId: String(r.hold_execution),
				node: String(r.hold_node),
				item: num(r.hold_item),
				until: numOrNull(r.hold_until),
				releasedAt: numOrNull(r.hold_released_at),
				resumeUrl: str(r.resume_url),
			}
		: null,
});

export const toActivity = (r: Row): Activity => ({
	id: num(r.id),
	leadId: num(r.lead_id),
	kind: r.kind as ActivityKind,
	direction: str(r.direction) as Activity['direction'],
	at: num(r.at),
	details: str(r.details),
	outcome: (str(r.outcome) as Activity['outcome']) ?? null,
	createdAt: num(r.created_at),
});

export const toEvent = (r: Row): LeadEvent => ({
	id: num(r.id),
	xid: num(r.xid ?? 0),
	type: r.type as LeadEvent['type'],
	leadId: num(r.lead_id),
	occurredAt: num(r.occurred_at),
	actor: json<Actor>(r.actor, { kind: 'system' }),
	causationDepth: num(r.causation_depth),
	data: json(r.data, {}),
});
