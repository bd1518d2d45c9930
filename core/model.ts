/** The lead-management data model as the core hands it out. Times are epoch milliseconds. */
import type { LeadFieldKinds, LeadFieldName, WritableLeadField } from './fields/leadFields';
import type { OpportunityFieldKinds, OpportunityFieldName } from './fields/opportunityFields';

export const STAGE_KINDS = ['open', 'won', 'lost'] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Activities a person or a workflow logs. Each one starts a new inactivity episode. */
export const LOGGABLE_ACTIVITY_KINDS = ['email', 'sms', 'call', 'meeting', 'other'] as const;
export type LoggableActivityKind = (typeof LOGGABLE_ACTIVITY_KINDS)[number];
/** Everything that can stand in last_activity_kind: creation and stage changes count too. */
export type ActivityKind = LoggableActivityKind | 'created' | 'stage_change';

export const DIRECTIONS = ['inbound', 'outbound'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const TASK_TYPES = ['call', 'email', 'follow_up', 'meeting', 'other'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export interface Stage {
	id: number;
	name: string;
	kind: StageKind;
	position: number;
}

export interface Member {
	id: number;
	name: string;
	email: string | null;
	active: boolean;
	createdAt: number;
	updatedAt: number;
}

export type CustomFields = Record<string, unknown>;

/** A lead's owner as a lead carries it. */
export type LeadOwner = Pick<Member, 'id' | 'name' | 'email' | 'active'>;

/** What each kind of lead field (core/fields/leadFields.ts) holds on a Lead, and takes in LeadFields. */
interface LeadFieldValue {
	id: number;
	text: string | null;
	email: string | null;
	priority: Priority | null;
	stage: Stage;
	member: LeadOwner | null;
	custom: CustomFields;
	time: number;
	count: number;
	activityKind: ActivityKind;
}
interface LeadFieldInput {
	text: string | null;
	email: string | null;
	priority: Priority | string | null;
	stage: StageRef;
	member: MemberRef | null;
	custom: CustomFields;
}

/** A lead as the store hands it out: one property per entry of LEAD_FIELDS. */
export type Lead = { [K in LeadFieldName]: LeadFieldValue[LeadFieldKinds[K]] };

/** Fields a caller may set on a lead (LEAD_FIELDS' writable ones). Stage and owner are given by id, name or email. */
export type LeadFields = { [K in WritableLeadField]?: LeadFieldInput[LeadFieldKinds[K] & keyof LeadFieldInput] };

export type StageRef = number | string | { id: number } | { name: string };
export type MemberRef = number | string | { id: number } | { email: string };

export interface Note {
	id: number;
	leadId: number;
	content: string;
	pinned: boolean;
	createdAt: number;
}

export interface Task {
	id: number;
	leadId: number;
	type: TaskType;
	description: string;
	dueAt: number | null;
	assigneeId: number | null;
	priority: Priority;
	required: boolean;
	status: TaskStatus;
	/** When it was done (status done). */
	completedAt: number | null;
	createdAt: number;
	/** A pool task: every holder holds it until one closes it. */
	poolId: number | null;
	/** Members who hold it: its assignee, or every active member of its pool. */
	holderIds: number[];
	/** When, by whom (a member, if known) and how it was closed (done, canceled or skipped). */
	closedAt: number | null;
	closedBy: number | null;
	closedVia: TaskCloseVia | null;
	/** The logged call that closed it. */
	closedByActivityId: number | null;
	/** The workflow run waiting for it, if one does. */
	hold: TaskHold | null;
}

export const TASK_STATUSES = ['open', 'done', 'canceled', 'skipped'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** How a task gets closed: the Lead node (or any store caller), its completion link, a logged call. */
export const TASK_CLOSE_VIAS = ['store', 'link', 'call'] as const;
export type TaskCloseVia = (typeof TASK_CLOSE_VIAS)[number];

/** What a waiting run learns: the task's own end, or that its pending limit passed first. */
export const TASK_OUTCOMES = ['completed', 'canceled', 'skipped', 'expired'] as const;
export type TaskOutcome = (typeof TASK_OUTCOMES)[number];

/** A logged call's outcome (seed 002): completed closes the lead's call tasks as done, the rest as skipped. */
export const CALL_OUTCOMES = ['completed', 'busy', 'no_answer', 'failed'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export interface TaskHold {
	id: string;
	executionId: string;
	node: string;
	item: number;
	/** When the run stops waiting anyway (null: until the task is closed). */
	until: number | null;
	releasedAt: number | null;
	/** The signed address that resumes the run: the task's completion link. */
	resumeUrl: string | null;
}

export interface Activity {
	id: number;
	leadId: number;
	kind: ActivityKind;
	direction: Direction | null;
	at: number;
	details: string | null;
	/** A call's outcome, if one was logged. */
	outcome: CallOutcome | null;
	createdAt: number;
}

/** Who or what made a change: carried on events so triggers can say what changed a lead. */
export type Actor =
	| { kind: 'workflow'; workflowId?: string; executionId?: string; node?: string }
	| { kind: 'person'; name?: string }
	| { kind: 'import'; name?: string }
	| { kind: 'system' };

/** Context of one write: who made it, and how deep in a trigger → action chain it sits. */
export interface WriteContext {
	actor?: Actor;
	/** 0 for a change nobody's event caused; a trigger's event depth + 1 for its workflow's writes. */
	causationDepth?: number;
	/**
	 * The cause of a workflow step's write, when it must happen once per cause (a trigger's
	 * event at one item of one node's run): a step run again for it returns what it created then.
	 */
	sourceKey?: string;
}

export const EVENT_TYPES = [
	'lead.created',
	'lead.updated',
	'lead.deleted',
	'lead.stage_changed',
	'lead.assigned',
	'activity.logged',
	'note.created',
	'task.created',
	'task.completed',
	'task.canceled',
	'task.skipped',
	'opportunity.created',
	'opportunity.updated',
	'opportunity.status_changed',
] as const;
export type LeadEventType = (typeof EVENT_TYPES)[number];

export interface LeadEvent {
	id: number;
	/** The writing transaction's id (PostgreSQL; 0 on SQLite): events are read in (xid, id) order. */
	xid: number;
	type: LeadEventType;
	leadId: number;
	occurredAt: number;
	actor: Actor;
	causationDepth: number;
	data: Record<string, unknown>;
}

export const OPPORTUNITY_STATUS_KINDS = ['active', 'won', 'lost'] as const;
export type OpportunityStatusKind = (typeof OPPORTUNITY_STATUS_KINDS)[number];

export interface OpportunityStatus {
	id: number;
	name: string;
	kind: OpportunityStatusKind;
	position: number;
}

export type OpportunityStatusRef = number | string | { id: number } | { name: string };

/** What each kind of opportunity field (core/fields/opportunityFields.ts) holds on an Opportunity. */
interface OpportunityFieldValue {
	id: number;
	lead: number;
	money: number | null;
	currency: string;
	status: OpportunityStatus;
	percent: number | null;
	/** YYYY-MM-DD */
	date: string | null;
	text: string | null;
	member: LeadOwner | null;
	custom: CustomFields;
	time: number;
}

/**
 * An opportunity as the store hands it out: one property per entry of OPPORTUNITY_FIELDS, and
 * `amount`, its value as a decimal in its currency (value 123450 USD → amount 1234.5).
 */
export type Opportunity = { [K in OpportunityFieldName]: OpportunityFieldValue[OpportunityFieldKinds[K]] } & { amount: number | null };

/**
 * Fields a caller sets on an opportunity. `value` is in minor units; `amount` is the decimal
 * alternative (converted with the currency's minor-unit digits). Close date: a date, or
 * `{ daysAfter: n }` counted in `timezone` from now.
 */
export interface OpportunityFields {
	value?: unknown;
	amount?: unknown;
	currency?: unknown;
	status?: OpportunityStatusRef | unknown;
	confidence?: unknown;
	expectedCloseDate?: unknown;
	note?: unknown;
	/** A member (id or email), or null for nobody. */
	owner?: MemberRef | null | unknown;
	custom?: unknown;
}

export interface Page<T> {
	items: T[];
	/** Pass back as `after` to read the next page; null when this was the last one. */
	nextCursor: number | null;
}
