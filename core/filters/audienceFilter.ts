/**
 * The audience filter: conditions on lead fields, combined with AND / OR in nested groups.
 * It compiles to a SQL WHERE fragment so the database picks the leads, never JS over a table.
 * One component serves the three triggers and the Lead node's Get Many.
 */
import { invalid } from '../errors';
import type { Dialect } from '../sql/SqlDriver';
import { FILTERABLE_LEAD_FIELDS, type FilterableLeadField, type LeadFieldKind } from '../fields/leadFields';
import { customFieldKey, describe, optionalTime } from '../validation';

/** The lead fields a condition can test: LEAD_FIELDS' filterable ones. */
export const FILTER_FIELDS: readonly FilterField[] = FILTERABLE_LEAD_FIELDS.map((f) => f.name);
export type FilterField = FilterableLeadField;

export const FILTER_OPERATORS = [
	'equals',
	'not_equals',
	'is_one_of',
	'is_not_one_of',
	'is_empty',
	'is_not_empty',
	'contains',
	'before',
	'after',
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export interface FilterCondition {
	field: FilterField;
	/** The custom field's name, when field is 'custom'. */
	customField?: string;
	operator: FilterOperator;
	/** One value; a list for is_one_of / is_not_one_of; none for is_empty / is_not_empty. */
	value?: unknown;
}

export interface FilterGroup {
	combinator: 'and' | 'or';
	conditions: Array<FilterCondition | FilterGroup>;
}

export const isGroup = (c: FilterCondition | FilterGroup): c is FilterGroup =>
	(c as FilterGroup).conditions !== undefined;

const MAX_CONDITIONS = 200;
const MAX_DEPTH = 6;

type ColumnKind = 'text' | 'reference' | 'time' | 'custom';
const COLUMN_KIND: Partial<Record<LeadFieldKind, ColumnKind>> = {
	text: 'text',
	email: 'text',
	priority: 'text',
	stage: 'reference',
	member: 'reference',
	custom: 'custom',
	time: 'time',
};
/** Each filter field's SQL column over `leads l`, how it compares, and (references) the table it points at. */
const COLUMNS = Object.fromEntries(
	FILTERABLE_LEAD_FIELDS.map((f) => {
		const kind = COLUMN_KIND[f.kind];
		if (!kind) throw new Error(`lead field ${f.name}: a ${f.kind} field cannot be filtered`);
		return [f.name, { column: `l.${f.column}`, kind, table: f.kind === 'stage' ? 'stages' : 'members' }];
	}),
) as Record<FilterField, { column: string; kind: ColumnKind; table: string }>;

// Which operators make sense for which kind of column.
const TEXT_OPERATORS: readonly FilterOperator[] = ['equals', 'not_equals', 'is_one_of', 'is_not_one_of', 'is_empty', 'is_not_empty', 'contains'];
const OPERATORS_FOR: Record<ColumnKind, readonly FilterOperator[]> = {
	text: TEXT_OPERATORS,
	custom: TEXT_OPERATORS,
	reference: ['equals', 'not_equals', 'is_one_of', 'is_not_one_of', 'is_empty', 'is_not_empty', 'contains'],
	time: ['before', 'after', 'is_empty', 'is_not_empty'],
};

/** Turns references (stage and owner by name or email) into ids before compiling. */
export interface FilterResolver {
	stageId(ref: unknown, field: string): Promise<number>;
	memberId(ref: unknown, field: string): Promise<number>;
}

/** Checks the shape and resolves names to ids; the result is what `compileFilter` takes. */
export async function resolveFilter(
	group: FilterGroup,
	resolver: FilterResolver,
	path = 'filter',
	depth = 1,
	counter = { n: 0 },
): Promise<FilterGroup> {
	if (depth > MAX_DEPTH) throw invalid(path, `${path}: groups nest at most ${MAX_DEPTH} deep`);
	if (group.combinator !== 'and' && group.combinator !== 'or') {
		throw invalid(`${path}.combinator`, `${path}.combinator must be "and" or "or"; got ${describe(group.combinator)}`);
	}
	if (!Array.isArray(group.conditions)) throw invalid(`${path}.conditions`, `${path}.conditions must be a list`);
	const conditions: Array<FilterCondition | FilterGroup> = [];
	for (const [i, c] of group.conditions.entries()) {
		const at = `${path}.conditions[${i}]`;
		if (++counter.n > MAX_CONDITIONS) throw invalid(path, `a filter has at most ${MAX_CONDITIONS} conditions`);
		conditions.push(isGroup(c) ? await resolveFilter(c, resolver, at, depth + 1, counter) : await resolveCondition(c, resolver, at));
	}
	return { combinator: group.combinator, conditions };
}

async function resolveCondition(c: FilterCondition, resolver: FilterResolver, at: string): Promise<FilterCondition> {
	if (!(FILTER_FIELDS as readonly string[]).includes(c.field)) {
		throw invalid(`${at}.field`, `${at}.field must be one of ${FILTER_FIELDS.join(', ')}; got ${describe(c.field)}`);
	}
	const kind = COLUMNS[c.field].kind;
	if (!OPERATORS_FOR[kind].includes(c.operator)) {
		throw invalid(`${at}.operator`, `${at}: operator ${describe(c.operator)} does not apply to ${c.field}; use one of ${OPERATORS_FOR[kind].join(', ')}`);
	}
	const out: FilterCondition = { field: c.field, operator: c.operator };
	if (kind === 'custom') out.customField = customFieldKey(`${at}.customField`, String(c.customField ?? ''));
	if (c.operator === 'is_empty' || c.operator === 'is_not_empty') return out;

	const list = c.operator === 'is_one_of' || c.operator === 'is_not_one_of';
	const values = list ? toList(c.value) : [c.value];
	if (!list && (c.value === undefined || c.value === null || c.value === '')) {
		throw invalid(`${at}.value`, `${at}.value is required for operator ${c.operator}`);
	}
	if (kind === 'time') {
		out.value = optionalTime(`${at}.value`, c.value);
	} else if (kind === 'reference' && c.operator !== 'contains') {
		const resolve = COLUMNS[c.field].table === 'stages' ? resolver.stageId : resolver.memberId;
		const ids = [];
		for (const v of values) ids.push(await resolve.call(resolver, v, `${at}.value`));
		out.value = list ? ids : ids[0];
	} else {
		out.value = list ? values.map((v) => String(v)) : String(c.value);
	}
	return out;
}

/** A list from an array, or from comma-separated text (how n8n users type lists). */
function toList(value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	if (value === undefined || value === null || value === '') return [];
	if (typeof value === 'string') return value.split(',').map((v) => v.trim()).filter((v) => v !== '');
	return [value];
}

/**
 * Compiles a resolved filter to SQL over the `leads l` alias, appending its parameters to
 * `params` (so it can be spliced into a larger query). An empty group matches every lead.
 */
export function compileFilter(group: FilterGroup, dialect: Dialect, params: unknown[]): string {
	const parts = group.conditions.map((c) => (isGroup(c) ? compileFilter(c, dialect, params) : compileCondition(c, dialect, params)));
	if (parts.length === 0) return '1 = 1';
	return `(${parts.join(group.combinator === 'and' ? ' AND ' : ' OR ')})`;
}

function compileCondition(c: FilterCondition, dialect: Dialect, params: unknown[]): string {
	const p = (value: unknown) => {
		params.push(value);
		return `$${params.length}`;
	};
	// SQLite's lower() folds ASCII only ("É" stays "É") where PostgreSQL's folds all of Unicode;
	// the SQLite driver registers lead_fold (JS toLowerCase) so both ignore case the same way.
	const fold = (expr: string) => (dialect === 'sqlite' ? `lead_fold(${expr})` : `lower(${expr})`);
	const { kind: columnKind, table } = COLUMNS[c.field];
	// A custom field compares as text: its value under the condition's key.
	const column = columnKind === 'custom' ? customFieldText(dialect, COLUMNS[c.field].column, p(c.customField)) : COLUMNS[c.field].column;
	const kind = columnKind === 'custom' ? 'text' : columnKind;

	if (kind === 'time') {
		if (c.operator === 'is_empty') return `${column} IS NULL`;
		if (c.operator === 'is_not_empty') return `${column} IS NOT NULL`;
		return `${column} ${c.operator === 'before' ? '<' : '>='} ${p(c.value)}`;
	}
	if (kind === 'reference') {
		switch (c.operator) {
			case 'equals':
				return `${column} = ${p(c.value)}`;
			case 'not_equals':
				return `(${column} IS NULL OR ${column} <> ${p(c.value)})`;
			case 'is_one_of':
				return inList(column, c.value as unknown[], p, false);
			case 'is_not_one_of':
				return inList(column, c.value as unknown[], p, true);
			case 'is_empty':
				return `${column} IS NULL`;
			case 'is_not_empty':
				return `${column} IS NOT NULL`;
			case 'contains': {
				// Contains on a reference looks at its name: "stage contains Qual".
				return `${column} IN (SELECT id FROM ${table} WHERE ${fold('name')} LIKE ${p(likePattern(String(c.value)))} ESCAPE '\\')`;
			}
		}
	}
	// Text compares ignore case: "Facebook" and "facebook" are the same source to a person.
	switch (c.operator) {
		case 'equals':
			return `${fold(column)} = ${p(String(c.value).toLowerCase())}`;
		case 'not_equals':
			return `(${column} IS NULL OR ${fold(column)} <> ${p(String(c.value).toLowerCase())})`;
		case 'is_one_of':
			return inList(fold(column), (c.value as string[]).map((v) => v.toLowerCase()), p, false, column);
		case 'is_not_one_of':
			return inList(fold(column), (c.value as string[]).map((v) => v.toLowerCase()), p, true, column);
		case 'is_empty':
			return `(${column} IS NULL OR ${column} = '')`;
		case 'is_not_empty':
			return `(${column} IS NOT NULL AND ${column} <> '')`;
		case 'contains':
			return `${fold(column)} LIKE ${p(likePattern(String(c.value)))} ESCAPE '\\'`;
		default:
			throw invalid('filter', `operator ${c.operator} does not apply to ${c.field}`);
	}
}

function inList(expr: string, values: unknown[], p: (v: unknown) => string, negate: boolean, nullable = expr) {
	if (values.length === 0) return negate ? '1 = 1' : '1 = 0';
	const list = values.map(p).join(', ');
	return negate ? `(${nullable} IS NULL OR ${expr} NOT IN (${list}))` : `${expr} IN (${list})`;
}

const likePattern = (value: string) => `%${value.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/** A custom field as text, the same on both engines (true stays "true", 5 stays "5"). */
function customFieldText(dialect: Dialect, column: string, keyParam: string): string {
	if (dialect === 'postgres') return `(${column} ->> ${keyParam})`;
	const path = `'$."' || ${keyParam} || '"'`;
	return `(CASE json_type(${column}, ${path}) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL ELSE CAST(json_extract(${column}, ${path}) AS TEXT) END)`;
}
