/** Row → model mappers. SQLite hands back 0/1 and JSON text where PostgreSQL has booleans and objects. */
import type { Activity, ActivityKind, Actor, Lead, LeadEvent, Member, Note, Priority, Stage, StageKind, Task } from '../model';

export type Row = Record<string, unknown>;

export const bool = (v: unknown) => v === true || v === 1 || v === '1' || v === 't';
export const json = <T>(v: unknown, fallback: T): T =>
	v === null || v === undefined ? fallback : typeof v === 'string' ? (JSON.parse(v) as T) : (v as T);
const num = (v: unknown) => Number(v);
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

export const LEAD_SELECT = `SELECT l.*, s.name AS stage_name, s.kind AS stage_kind, s.position AS stage_position,
	m.name AS owner_name, m.email AS owner_email, m.active AS owner_active
	FROM leads l JOIN stages s ON s.id = l.stage_id LEFT JOIN members m ON m.id = l.owner_id`;

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

export const toLead = (r: Row): Lead => ({
	id: num(r.id),
	name: str(r.name),
	email: str(r.email),
	phone: str(r.phone),
	stage: { id: num(r.stage_id), name: String(r.stage_name), kind: r.stage_kind as StageKind, position: num(r.stage_position) },
	source: str(r.source),
	type: str(r.type),
	priority: str(r.priority) as Priority | null,
	gender: str(r.gender),
	owner:
		r.owner_id === null || r.owner_id === undefined
			? null
			: { id: num(r.owner_id), name: String(r.owner_name), email: str(r.owner_email), active: bool(r.owner_active) },
	custom: json(r.custom, {}),
	createdAt: num(r.created_at),
	updatedAt: num(r.updated_at),
	lastActivityAt: num(r.last_activity_at),
	lastActivityKind: r.last_activity_kind as ActivityKind,
	episode: num(r.episode),
});

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
});

export const toActivity = (r: Row): Activity => ({
	id: num(r.id),
	leadId: num(r.lead_id),
	kind: r.kind as ActivityKind,
	direction: str(r.direction) as Activity['direction'],
	at: num(r.at),
	details: str(r.details),
	createdAt: num(r.created_at),
});

export const toEvent = (r: Row): LeadEvent => ({
	id: num(r.id),
	type: r.type as LeadEvent['type'],
	leadId: num(r.lead_id),
	occurredAt: num(r.occurred_at),
	actor: json<Actor>(r.actor, { kind: 'system' }),
	causationDepth: num(r.causation_depth),
	data: json(r.data, {}),
});
