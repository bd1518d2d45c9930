/**
 * What each trigger listens for, checked and resolved (stage names → ids, filter shape) once at
 * activation, so a bad setting is a clear activation error rather than a silent trigger.
 */
import { invalid } from '../errors';
import { resolveFilter, type FilterGroup } from '../filters/audienceFilter';
import type { StageRef } from '../model';
import { filterResolver } from '../store/leads';
import { resolveStaleStages, staleDays, type StaleCriteria } from '../store/stale';
import { resolveStage } from '../store/stages';
import type { Tx } from '../store/Tx';
import { describe } from '../validation';
import { isOpportunityKind, resolveOpportunityMatch, type OpportunityCriteriaInput, type OpportunityEventKind, type OpportunityMatch } from './opportunityCriteria';

export type EventTriggerKind = 'lead.created' | 'lead.stage_changed' | OpportunityEventKind;

export interface LeadCreatedCriteriaInput {
	kind: 'lead.created';
	filter?: FilterGroup | null;
}

export interface StageChangedCriteriaInput {
	kind: 'lead.stage_changed';
	/** Stages (ids or names) the lead moved to, or 'any'. */
	toStages: 'any' | readonly StageRef[] | string;
	/** Stages it moved from; empty or absent = any. */
	fromStages?: readonly StageRef[] | string | null;
	filter?: FilterGroup | null;
}

export type EventCriteriaInput = LeadCreatedCriteriaInput | StageChangedCriteriaInput | (OpportunityCriteriaInput & { filter?: FilterGroup | null });

export interface EventCriteria {
	kind: EventTriggerKind;
	/** null = every lead. */
	filter: FilterGroup | null;
	/** null = any stage. */
	toStageIds: number[] | null;
	fromStageIds: number[] | null;
	/** The Opportunity Trigger's own conditions (opportunity kinds only). */
	opportunity?: OpportunityMatch;
}

/** A list from an array or from comma-separated text (an n8n expression often gives text). */
export function stageList(value: unknown): unknown[] {
	if (value === undefined || value === null || value === '') return [];
	if (Array.isArray(value)) return value;
	if (typeof value === 'string') return value.split(',').map((v) => v.trim()).filter((v) => v !== '');
	return [value];
}

const isAny = (value: unknown) => typeof value === 'string' && value.trim().toLowerCase() === 'any';

export async function resolveStageIds(tx: Tx, field: string, value: unknown): Promise<number[]> {
	const ids: number[] = [];
	for (const ref of stageList(value)) {
		const stage = await resolveStage(tx, ref, field);
		if (!ids.includes(stage.id)) ids.push(stage.id);
	}
	return ids;
}

/** An absent or empty filter (no conditions) means every lead. */
export async function resolveOptionalFilter(tx: Tx, filter: FilterGroup | null | undefined): Promise<FilterGroup | null> {
	if (filter === undefined || filter === null) return null;
	if (typeof filter !== 'object') throw invalid('filter', `filter must be a group of conditions; got ${describe(filter)}`);
	const resolved = await resolveFilter(filter, filterResolver(tx));
	return resolved.conditions.length === 0 ? null : resolved;
}

export async function resolveEventCriteria(tx: Tx, input: EventCriteriaInput): Promise<EventCriteria> {
	const filter = await resolveOptionalFilter(tx, input.filter);
	if (input.kind === 'lead.created') return { kind: 'lead.created', filter, toStageIds: null, fromStageIds: null };
	if (isOpportunityKind(input.kind)) {
		const opportunity = await resolveOpportunityMatch(tx, input as OpportunityCriteriaInput);
		return { kind: input.kind, filter, toStageIds: null, fromStageIds: null, opportunity };
	}
	if (input.kind !== 'lead.stage_changed') {
		throw invalid('kind', `kind must be lead.created or lead.stage_changed; got ${describe((input as { kind: unknown }).kind)}`);
	}
	const to = input.toStages;
	const anyTo = isAny(to) || (Array.isArray(to) && to.some(isAny));
	const toStageIds = anyTo ? null : await resolveStageIds(tx, 'toStages', to);
	if (toStageIds && toStageIds.length === 0) {
		throw invalid('toStages', 'toStages: choose at least one stage, or Any');
	}
	const from = stageList(input.fromStages);
	const fromStageIds = from.length === 0 || from.some(isAny) ? null : await resolveStageIds(tx, 'fromStages', from);
	return { kind: 'lead.stage_changed', filter, toStageIds, fromStageIds };
}

export interface StaleCriteriaInput {
	kind?: 'lead.stale';
	/** 'gte' (greater than or equals N), 'equals' (exactly N), 'between' (N to M). */
	mode: 'gte' | 'equals' | 'between' | string;
	minDays: number | string;
	maxDays?: number | string | null;
	/** Stages to watch (ids or names): at least one, none of the won or lost kind. */
	stages: readonly StageRef[] | string;
	filter?: FilterGroup | null;
	onlyBecomingStaleAfterActivation?: boolean;
}

export async function resolveStaleCriteria(tx: Tx, input: StaleCriteriaInput): Promise<StaleCriteria> {
	const days = staleDays(input);
	const stageIds = await resolveStaleStages(tx, stageList(input.stages));
	const filter = await resolveOptionalFilter(tx, input.filter);
	return { ...days, stageIds, filter, onlyBecomingStaleAfterActivation: input.onlyBecomingStaleAfterActivation === true };
}
