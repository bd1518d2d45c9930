/** What the event triggers hand to n8n: the event with its lead, enriched for workflows. */
import type { Actor, Lead, StageKind } from '../model';
import { json, toLead, type Row } from '../store/rows';

export interface StageSnapshot {
	id: number;
	/** The name when the change happened. */
	name: string;
	/** The stage's kind now (null if the stage no longer exists). */
	kind: StageKind | null;
}

interface DeliveredBase {
	eventId: number;
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

export type DeliveredEvent = LeadCreatedDelivery | LeadStageChangedDelivery;

/** Row of eventQuery's SELECT (event columns prefixed ev_, lead columns as LEAD_SELECT) → payload. */
export function toDelivered(row: Row, stageKinds: ReadonlyMap<number, StageKind>): DeliveredEvent {
	const base = {
		eventId: Number(row.ev_id),
		occurredAt: Number(row.ev_occurred_at),
		actor: json<Actor>(row.ev_actor, { kind: 'system' }),
		causationDepth: Number(row.ev_causation_depth),
		lead: toLead(row),
	};
	if (row.ev_type !== 'lead.stage_changed') return { type: 'lead.created', ...base };
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
}
