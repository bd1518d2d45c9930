/**
 * The audience filter's parameter values (audienceFilterDescription.ts) → the core's FilterGroup.
 * Pure: no n8n at run time, so it is unit-tested on its own. Stage and owner references stay
 * names, emails or ids here; the store resolves them when the trigger starts.
 */
import { FILTER_OPERATORS, invalid, leadFieldsOfferedIn, type FilterCondition, type FilterField, type FilterGroup, type FilterOperator } from '../../core';

/** The lead fields the audience filter offers, and those of them that name a custom field. */
export const AUDIENCE_FILTER_FIELDS = leadFieldsOfferedIn('audienceFilter');
export const CUSTOM_FILTER_FIELDS: string[] = AUDIENCE_FILTER_FIELDS.filter((f) => f.kind === 'custom').map((f) => f.name);

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

const LIST_OPERATORS = new Set(['is_one_of', 'is_not_one_of']);
const NO_VALUE_OPERATORS = new Set(['is_empty', 'is_not_empty']);
const OPERATOR_NAMES: Record<string, string> = {
	equals: 'Equals',
	not_equals: 'Not Equals',
	is_one_of: 'Is One Of',
	is_not_one_of: 'Is Not One Of',
	is_empty: 'Is Empty',
	is_not_empty: 'Is Not Empty',
	contains: 'Contains',
};

function combinator(value: unknown, where: string): 'and' | 'or' {
	const c = typeof value === 'string' ? value.trim().toLowerCase() : value;
	if (c === undefined || c === '' || c === 'and') return 'and';
	if (c === 'or') return 'or';
	throw invalid('filterCombinator', `${where}: Combine must be AND or OR; got ${JSON.stringify(value)}`);
}

/** A list from comma-separated text, or an array an expression produced. */
function listValue(value: unknown): string[] {
	const parts = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : value === undefined || value === null ? [] : [value];
	return parts.map((v) => String(v).trim()).filter((v) => v !== '');
}

export function conditionFromParameters(p: ConditionParameters, where: string): FilterCondition {
	const field = String(p.field ?? '').trim();
	const operator = String(p.operator ?? 'equals').trim();
	if (!AUDIENCE_FILTER_FIELDS.some((f) => f.name === field)) {
		throw invalid('filter', `${where}: unknown field ${JSON.stringify(p.field)}`);
	}
	if (!(operator in OPERATOR_NAMES) || !(FILTER_OPERATORS as readonly string[]).includes(operator)) {
		throw invalid('filter', `${where}: unknown operator ${JSON.stringify(p.operator)}`);
	}
	const condition: FilterCondition = { field: field as FilterField, operator: operator as FilterOperator };
	if (CUSTOM_FILTER_FIELDS.includes(field)) {
		const name = String(p.customField ?? '').trim();
		if (name === '') throw invalid('filter', `${where}: Custom Field Name is required`);
		condition.customField = name;
	}
	if (NO_VALUE_OPERATORS.has(operator)) return condition;
	if (LIST_OPERATORS.has(operator)) {
		const values = listValue(p.value);
		if (values.length === 0) throw invalid('filter', `${where}: Value is required for ${OPERATOR_NAMES[operator]} (a comma-separated list)`);
		condition.value = values;
		return condition;
	}
	const value = p.value === undefined || p.value === null ? '' : String(p.value).trim();
	if (value === '') throw invalid('filter', `${where}: Value is required for ${OPERATOR_NAMES[operator]}`);
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
	const top = p.filterConditions?.condition ?? [];
	const groups = p.filterGroups?.group ?? [];
	const conditions: Array<FilterCondition | FilterGroup> = top.map((c, i) => conditionFromParameters(c, `Filter Leads, condition ${i + 1}`));
	groups.forEach((g, gi) => {
		const where = `Filter Leads, condition group ${gi + 1}`;
		const inner = g.conditions?.condition ?? [];
		if (inner.length === 0) throw invalid('filter', `${where}: add at least one condition, or remove the group`);
		conditions.push({
			combinator: combinator(g.combinator ?? 'or', where),
			conditions: inner.map((c, i) => conditionFromParameters(c, `${where}, condition ${i + 1}`)),
		});
	});
	if (conditions.length === 0) {
		throw invalid('filter', 'Filter Leads is on but has no conditions: add a condition, or turn Filter Leads off to run for every lead');
	}
	return { combinator: combinator(p.filterCombinator, 'Filter Leads'), conditions };
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
