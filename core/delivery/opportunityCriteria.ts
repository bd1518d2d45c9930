/**
 * What an Opportunity Trigger listens for, resolved once at activation (status names → ids, the
 * owner, the value range per currency), and the SQL that matches it inside the store's query:
 * the event joined to its opportunity as it is at delivery, its statuses and its lead.
 */
import { invalid } from '../errors';
import { CURRENCIES, minorDigits } from '../money/currency';
import type { OpportunityStatusRef, MemberRef } from '../model';
import type { Dialect } from '../sql/SqlDriver';
import { resolveMember } from '../store/members';
import { OPPORTUNITY_JOINS, opportunityColumns } from '../store/opportunities';
import { resolveStatus } from '../store/opportunityStatuses';
import { LEAD_COLUMNS, LEAD_JOINS } from '../store/rows';
import type { Tx } from '../store/Tx';
import { describe } from '../validation';

export const OPPORTUNITY_EVENT_KINDS = ['opportunity.created', 'opportunity.status_changed', 'opportunity.updated'] as const;
export type OpportunityEventKind = (typeof OPPORTUNITY_EVENT_KINDS)[number];

export const isOpportunityKind = (kind: unknown): kind is OpportunityEventKind => (OPPORTUNITY_EVENT_KINDS as readonly unknown[]).includes(kind);

type Refs = 'any' | readonly OpportunityStatusRef[] | string | null;

export interface OpportunityCriteriaInput {
	kind: OpportunityEventKind;
	/** Status changed: the statuses moved to (ids or names), or 'any'. */
	toStatuses?: Refs;
	/** Status changed: the statuses moved from; empty = any. */
	fromStatuses?: Refs;
	/** The opportunity's status at delivery is one of these; empty = any. */
	statuses?: Refs;
	/** The value range as decimal amounts in each opportunity's own currency; empty = no bound. */
	minAmount?: unknown;
	maxAmount?: unknown;
	/** The opportunity's owner (member id or email), or 'none' for no owner; empty = anyone. */
	owner?: MemberRef | 'none' | string | null;
}

export interface OpportunityMatch {
	toStatusIds: number[] | null;
	fromStatusIds: number[] | null;
	statusIds: number[] | null;
	/** Bounds in minor units, by the currencies' minor-unit digits. */
	minValue: Map<number, number> | null;
	maxValue: Map<number, number> | null;
	/** null: anyone; 'none': no owner. */
	owner: number | 'none' | null;
}

const list = (value: unknown): unknown[] =>
	value === undefined || value === null || value === ''
		? []
		: Array.isArray(value)
			? value
			: typeof value === 'string'
				? value.split(',').map((v) => v.trim()).filter((v) => v !== '')
				: [value];
const isAny = (value: unknown) => typeof value === 'string' && value.trim().toLowerCase() === 'any';

async function statusIds(tx: Tx, field: string, value: unknown): Promise<number[] | null> {
	const refs = list(value);
	if (refs.length === 0 || refs.some(isAny)) return null;
	const ids: number[] = [];
	for (const ref of refs) {
		const id = (await resolveStatus(tx, ref, field)).id;
		if (!ids.includes(id)) ids.push(id);
	}
	return ids;
}

/** Digit counts that occur among the currencies (0, 2, 3, 4). */
const DIGIT_GROUPS = [...new Set(CURRENCIES.map(minorDigits))].sort();

function bound(field: string, value: unknown): Map<number, number> | null {
	if (value === undefined || value === null || value === '') return null;
	// The amount in minor units per digit group: a minimum of 10.5 is 1050 cents, or 11 yen (rounded inwards).
	const out = new Map<number, number>();
	const n = typeof value === 'string' ? Number(value.trim()) : value;
	if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw invalid(field, `${field} must be an amount of 0 or more; got ${describe(value)}`);
	for (const digits of DIGIT_GROUPS) {
		const scaled = n * 10 ** digits;
		out.set(digits, field === 'minAmount' ? Math.ceil(scaled - 1e-9) : Math.floor(scaled + 1e-9));
	}
	return out;
}

export async function resolveOpportunityMatch(tx: Tx, input: OpportunityCriteriaInput): Promise<OpportunityMatch> {
	const toStatusIds = input.kind === 'opportunity.status_changed' ? await statusIds(tx, 'toStatuses', input.toStatuses ?? 'any') : null;
	if (input.kind === 'opportunity.status_changed' && toStatusIds?.length === 0) {
		throw invalid('toStatuses', 'toStatuses: choose at least one status, or Any');
	}
	const fromStatusIds = input.kind === 'opportunity.status_changed' ? await statusIds(tx, 'fromStatuses', input.fromStatuses) : null;
	const minValue = bound('minAmount', input.minAmount);
	const maxValue = bound('maxAmount', input.maxAmount);
	if (minValue && maxValue && [...minValue].some(([d, min]) => min > maxValue.get(d)!)) {
		throw invalid('maxAmount', `maxAmount must be at least minAmount; got ${describe(input.minAmount)} to ${describe(input.maxAmount)}`);
	}
	const ownerText = typeof input.owner === 'string' ? input.owner.trim() : input.owner;
	const owner =
		ownerText === undefined || ownerText === null || ownerText === ''
			? null
			: typeof ownerText === 'string' && ownerText.toLowerCase() === 'none'
				? 'none'
				: (await resolveMember(tx, ownerText, 'owner')).id;
	return { toStatusIds, fromStatusIds, statusIds: await statusIds(tx, 'statuses', input.statuses), minValue, maxValue, owner };
}

/** An integer from the event's JSON data; `key` is one of our constants, never user text. */
const dataInt = (dialect: Dialect, key: 'opportunityId' | 'fromStatusId' | 'toStatusId') =>
	dialect === 'postgres' ? `(e.data ->> '${key}')::bigint` : `json_extract(e.data, '$.${key}')`;

/**
 * Events joined to their lead (columns as LEAD_SELECT names them), their opportunity as it is
 * now (`op_*`; a deleted one drops the event) and the kinds of the statuses they moved between.
 */
export const opportunityEventSelect = (dialect: Dialect) => `SELECT e.id AS ev_id, e.xid AS ev_xid, e.type AS ev_type, e.occurred_at AS ev_occurred_at,
	e.actor AS ev_actor, e.causation_depth AS ev_causation_depth, e.data AS ev_data, ${LEAD_COLUMNS}, ${opportunityColumns('op_')},
	fs.kind AS op_from_kind, ts.kind AS op_to_kind
	FROM events e JOIN leads l ON l.id = e.lead_id ${LEAD_JOINS}
	JOIN opportunities o ON o.id = ${dataInt(dialect, 'opportunityId')} ${OPPORTUNITY_JOINS}
	LEFT JOIN opportunity_statuses fs ON fs.id = ${dataInt(dialect, 'fromStatusId')}
	LEFT JOIN opportunity_statuses ts ON ts.id = ${dataInt(dialect, 'toStatusId')}`;

/** The opportunity conditions of a match, for the WHERE clause (pushing their parameters). */
export function opportunityMatchClause(match: OpportunityMatch, dialect: Dialect, params: unknown[]): string[] {
	const p = (value: unknown) => (params.push(value), `$${params.length}`);
	const parts: string[] = [];
	if (match.toStatusIds) parts.push(`${dataInt(dialect, 'toStatusId')} IN (${match.toStatusIds.map(p).join(', ')})`);
	if (match.fromStatusIds) parts.push(`${dataInt(dialect, 'fromStatusId')} IN (${match.fromStatusIds.map(p).join(', ')})`);
	if (match.statusIds) parts.push(`o.status_id IN (${match.statusIds.map(p).join(', ')})`);
	if (match.owner === 'none') parts.push('o.owner_id IS NULL');
	else if (match.owner !== null) parts.push(`o.owner_id = ${p(match.owner)}`);
	const inCurrency = (bounds: Map<number, number>) => {
		// Each currency's bound in its own minor units: CASE over the digit groups (2 digits is the ELSE).
		const cases = [...bounds]
			.filter(([digits]) => digits !== 2)
			.map(([digits, v]) => `WHEN o.currency IN (${CURRENCIES.filter((c) => minorDigits(c) === digits).map(p).join(', ')}) THEN CAST(${p(v)} AS BIGINT)`);
		return `CASE ${cases.join(' ')} ELSE CAST(${p(bounds.get(2))} AS BIGINT) END`;
	};
	if (match.minValue) parts.push(`o.value IS NOT NULL AND o.value >= ${inCurrency(match.minValue)}`);
	if (match.maxValue) parts.push(`o.value IS NOT NULL AND o.value <= ${inCurrency(match.maxValue)}`);
	return parts;
}
