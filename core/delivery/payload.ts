/**
 * What the event triggers hand to n8n: the event with its lead, enriched for workflows. Each
 * deliverable event type has its own mapper; a row of any other type is an error, never
 * silently shaped like another event.
 */
import { LeadStoreError } from '../errors';
import type { Actor, Lead, Opportunity, OpportunityStatusKind, StageKind } from '../model';
import type { EventPosition } from '../store/events';
import { json, toLead, type Row } from '../store/rows';
import { toOpportunity } from '../store/opportunities';

export interface StageSnapshot {
	id: number;
	/** The name when the change happened. */
	name: string;
	/** The stage's kind now (null if the stage no longer exists). */
	kind: StageKind | null;
}

interface DeliveredBase {
	eventId: number;
	/** Where the event stands in the outbox's read order (a cursor goes past it). */
	position: EventPosition;
	occurredAt: number;
	/** Who made the change: a workflow execution, a person, an import, or the system. */
	actor: Actor;
	/** How deep in a trigger → action chain this change sits; the trigger's output carries it on. */
	causationDepth: number;
	/** The lead as it is at delivery: every field, stage name and kind, owner. */
	lead: Lead;
}

export interface LeadCreatedDelivery extends DeliveredBase {
	type: 'lead.created';
}

export interface LeadStageChangedDelivery extends DeliveredBase {
	type: 'lead.stage_changed';
	previousStage: StageSnapshot;
	newStage: StageSnapshot;
	changedAt: number;
	changedBy: Actor;
}

/** An opportunity status as the event saw it. */
export interface StatusSnapshot {
	id: number;
	/** The name when the change happened. */
	name: string;
	/** The status's kind now (null if the status no longer exists). */
	kind: OpportunityStatusKind | null;
}

interface OpportunityDeliveryBase extends DeliveredBase {
	/** The opportunity as it is at delivery. */
	opportunity: Opportunity;
}

export interface OpportunityCreatedDelivery extends OpportunityDeliveryBase {
	type: 'opportunity.created';
}

export interface OpportunityUpdatedDelivery extends OpportunityDeliveryBase {
	type: 'opportunity.updated';
	/** The fields this change set (status included when it moved). */
	changedFields: string[];
}

export interface OpportunityStatusChangedDelivery extends OpportunityDeliveryBase {
	type: 'opportunity.status_changed';
	previousStatus: StatusSnapshot;
	newStatus: StatusSnapshot;
	changedAt: number;
	changedBy: Actor;
}

export type DeliveredEvent =
	| LeadCreatedDelivery
	| LeadStageChangedDelivery
	| OpportunityCreatedDelivery
	| OpportunityUpdatedDelivery
	| OpportunityStatusChangedDelivery;
export type DeliverableEventType = DeliveredEvent['type'];

type Mapper<T extends DeliveredEvent> = (base: DeliveredBase, row: Row, stageKinds: ReadonlyMap<number, StageKind>) => T;

/** One mapper per deliverable event type: the compiler refuses a type without one. */
const MAPPERS: { [K in DeliverableEventType]: Mapper<Extract<DeliveredEvent, { type: K }>> } = {
	'lead.created': (base) => ({ type: 'lead.created', ...base }),
	'lead.stage_changed': (base, row, stageKinds) => {
		const data = json<Record<string, unknown>>(row.ev_data, {});
		const snapshot = (id: unknown, name: unknown): StageSnapshot => ({
			id: Number(id),
			name: String(name ?? ''),
			kind: stageKinds.get(Number(id)) ?? null,
		});
		return {
			type: 'lead.stage_changed',
			...base,
			previousStage: snapshot(data.fromStageId, data.fromStage),
			newStage: snapshot(data.toStageId, data.toStage),
			changedAt: base.occurredAt,
			changedBy: base.actor,
		};
	},
	// Opportunity events come from core/delivery/opportunityCriteria.ts's SELECT: the opportunity as op_*.
	'opportunity.created': (base, row) => ({ type: 'opportunity.created', ...base, opportunity: toOpportunity(row, 'op_') }),
	'opportunity.updated': (base, row) => {
		const data = json<Record<string, unknown>>(row.ev_data, {});
		return { type: 'opportunity.updated', ...base, opportunity: toOpportunity(row, 'op_'), changedFields: (data.changed as string[] | undefined) ?? [] };
	},
	'opportunity.status_changed': (base, row) => {
		const data = json<Record<string, unknown>>(row.ev_data, {});
		const snapshot = (id: unknown, name: unknown, kind: unknown): StatusSnapshot => ({
			id: Number(id),
			name: String(name ?? ''),
			kind: (kind as OpportunityStatusKind | null) ?? null,
		});
		return {
			type: 'opportunity.status_changed',
			...base,
			opportunity: toOpportunity(row, 'op_'),
			previousStatus: snapshot(data.fromStatusId, data.fromStatus, row.op_from_kind),
			newStatus: snapshot(data.toStatusId, data.toStatus, row.op_to_kind),
			changedAt: base.occurredAt,
			changedBy: base.actor,
		};
	},
};

export const DELIVERABLE_EVENT_TYPES = Object.keys(MAPPERS) as DeliverableEventType[];

const isDeliverable = (type: unknown): type is DeliverableEventType => typeof type === 'string' && Object.hasOwn(MAPPERS, type);

/** Row of eventQuery's SELECT (event columns prefixed ev_, lead columns as LEAD_SELECT) → payload. */
export function toDelivered(row: Row, stageKinds: ReadonlyMap<number, StageKind>): DeliveredEvent {
	const type = row.ev_type;
	if (!isDeliverable(type)) {
		throw new LeadStoreError('invalid', `event ${String(row.ev_id)} has type ${JSON.stringify(type)}, which no lead trigger delivers`, 'event');
	}
	const base: DeliveredBase = {
		eventId: Number(row.ev_id),
		position: { xid: Number(row.ev_xid ?? 0), id: Number(row.ev_id) },
		occurredAt: Number(row.ev_occurred_at),
		actor: json<Actor>(row.ev_actor, { kind: 'system' }),
		causationDepth: Number(row.ev_causation_depth),
		lead: toLead(row),
	};
	return (MAPPERS[type] as Mapper<DeliveredEvent>)(base, row, stageKinds);
}
