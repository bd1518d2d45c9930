/**
 * The audience filter's parameter values (audienceFilterDescription.ts) → the core's FilterGroup.
 * Pure: no n8n at run time, so it is unit-tested on its own. Stage and owner references stay
 * names, emails or ids here; the store resolves them when the trigger starts.
 */
import { FILTER_OPERATORS, invalid, leadFieldsOfferedIn, type FilterCondition, type FilterField, type FilterGroup, type FilterOperator } from '../../core';
import type { INodePropertyOptions } from 'n8n-workflow';
import { checkOption, optionsFrom } from './options';

/** The lead fields the audience filter offers, and those of them that name a custom field. */
export const AUDIENCE_FILTER_FIELDS = leadFieldsOfferedIn('audienceFilter');
export const CUSTOM_FILTER_FIELDS: string[] = AUDIENCE_FILTER_FIELDS.filter((f) => f.kind === 'custom').map((f) => f.name);

/** The Field list of a condition (LEAD_FIELDS' audienceFilter ones), by name. */
export const FILTER_FIELD_OPTIONS: INodePropertyOptions[] = AUDIENCE_FILTER_FIELDS.map((f) => ({
	name: f.filterLabel ?? f.label,
	value: f.name,
	...(f.filterDescription ? { description: f.filterDescription } : {}),
})).sort((a, b) => a.name.localeCompare(b.name));

export interface ConditionParameters {
	field?: string;
	customField?: string;
	operator?: string;
	value?: unknown;
}

export interface AudienceFilterParameters {
	filterLeads?: boolean;
	filterCombinator?: string;
	filterConditions?: { condition?: ConditionParameters[] };
	filterGroups?: { group?: Array<{ combinator?: string; conditions?: { condition?: ConditionParameters[] } }> };
}

/** The core's operators the audience filter offers: Before and After are for times, which it does not filter on. */
type AudienceOperator = Exclude<FilterOperator, 'before' | 'after'>;
const AUDIENCE_OPERATORS = FILTER_OPERATORS.filter((o): o is AudienceOperator => o !== 'before' && o !== 'after');

export const FILTER_OPERATOR_OPTIONS = optionsFrom(AUDIENCE_OPERATORS, {
	equals: { name: 'Equals', description: 'Text compares ignore case' },
	not_equals: { name: 'Not Equals', description: 'Differs, or the field is empty' },
	is_one_of: { name: 'Is One Of', description: 'Any of a comma-separated list' },
	is_not_one_of: { name: 'Is Not One Of', description: 'None of a comma-separated list (an empty field counts as not one of them)' },
	is_empty: 'Is Empty',
	is_not_empty: 'Is Not Empty',
	contains: { name: 'Contains', description: 'The value appears in the field, ignoring case' },
});

export const COMBINATOR_OPTIONS = optionsFrom(['and', 'or'] satisfies Array<FilterGroup['combinator']>, {
	and: 'AND (All Must Match)',
	or: 'OR (Any Can Match)',
});

const LIST_OPERATORS = new Set(['is_one_of', 'is_not_one_of']);
const NO_VALUE_OPERATORS = new Set(['is_empty', 'is_not_empty']);
const operatorName = (operator: string) => FILTER_OPERATOR_OPTIONS.find((o) => o.value === operator)?.name;

/** AND or OR; an absent Combine is its default. `name` is the parameter (filterCombinator, or a group's combinator). */
function combinator(value: unknown, where: string, name: string, fallback: 'and' | 'or'): 'and' | 'or' {
	if (value === undefined || value === null || value === '') return fallback;
	return checkOption(name, value, COMBINATOR_OPTIONS, where, name === 'combinator' ? 'filter' : name);
}

/** A list from comma-separated text, or an array an expression produced. */
function listValue(value: unknown): string[] {
	const parts = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : value === undefined || value === null ? [] : [value];
	return parts.map((v) => String(v).trim()).filter((v) => v !== '');
}

export function conditionFromParameters(p: ConditionParameters, where: string): FilterCondition {
	const field = checkOption('field', p.field, FILTER_FIELD_OPTIONS as Array<{ value: string }>, where, 'filter');
	const operator = checkOption('operator', p.operator ?? 'equals', FILTER_OPERATOR_OPTIONS, where, 'filter');
	const condition: FilterCondition = { field: field as FilterField, operator: operator as FilterOperator };
	if (CUSTOM_FILTER_FIELDS.includes(field)) {
		const name = String(p.customField ?? '').trim();
		if (name === '') throw invalid('filter', `${where}: Custom Field Name is required`);
		condition.customField = name;
	}
	if (NO_VALUE_OPERATORS.has(operator)) return condition;
	if (LIST_OPERATORS.has(operator)) {
		const values = listValue(p.value);
		if (values.length === 0) throw invalid('filter', `${where}: Value is required for ${operatorName(operator)} (a comma-separated list)`);
		condition.value = values;
		return condition;
	}
	const value = p.value === undefined || p.value === null ? '' : String(p.value).trim();
	if (value === '') throw invalid('filter', `${where}: Value is required for ${operatorName(operator)}`);
	condition.value = value;
	return condition;
}

/**
 * null when Filter Leads is off (every lead). When it is on, at least one condition is required,
 * and every group needs one: an empty filter that silently matches every lead is what the seed
 * warns about ("avoid triggering workflows for all leads").
 */
export function audienceFilterFromParameters(p: AudienceFilterParameters): FilterGroup | null {
	if (p.filterLeads !== true) return null;
	// Settings are checked in the order they appear in the editor: Combine before the conditions.
	const topCombinator = combinator(p.filterCombinator, 'Filter Leads', 'filterCombinator', 'and');
	const top = p.filterConditions?.condition ?? [];
	const groups = p.filterGroups?.group ?? [];
	const conditions: Array<FilterCondition | FilterGroup> = top.map((c, i) => conditionFromParameters(c, `Filter Leads, condition ${i + 1}`));
	groups.forEach((g, gi) => {
		const where = `Filter Leads, condition group ${gi + 1}`;
		const groupCombinator = combinator(g.combinator, where, 'combinator', 'or');
		const inner = g.conditions?.condition ?? [];
		if (inner.length === 0) throw invalid('filter', `${where}: add at least one condition, or remove the group`);
		conditions.push({
			combinator: groupCombinator,
			conditions: inner.map((c, i) => conditionFromParameters(c, `${where}, condition ${i + 1}`)),
		});
	});
	if (conditions.length === 0) {
		throw invalid('filter', 'Filter Leads is on but has no conditions: add a condition, or turn Filter Leads off to run for every lead');
	}
	return { combinator: topCombinator, conditions };
}

/** Reads the filter's parameters through a getter (a trigger's getNodeParameter). */
export function readAudienceFilter(get: (name: string, fallback: unknown) => unknown): FilterGroup | null {
	return audienceFilterFromParameters({
		filterLeads: get('filterLeads', false) as boolean,
		filterCombinator: get('filterCombinator', 'and') as string,
		filterConditions: get('filterConditions', {}) as AudienceFilterParameters['filterConditions'],
		filterGroups: get('filterGroups', {}) as AudienceFilterParameters['filterGroups'],
	});
}
