/**
 * Every opportunity field, described once, as core/fields/leadFields.ts does for leads. The
 * model's Opportunity and OpportunityFields types, the store's SQL (columns, joins, row mapping,
 * validation, which fields an update changed), and the nodes' field lists (Create Opportunity's
 * parameters, Update Opportunity's Update Fields, the Lead node's Get Many filters) derive from it.
 */
import { LIMITS } from '../validation';

/**
 * What a field holds, which decides how it is checked, stored, read back and offered:
 * - money: whole minor units (cents), never negative; nodes take and show a decimal amount too
 * - currency: an ISO 4217 code; status: a configurable opportunity status, joined
 * - percent: a whole number 0 to 100; date: a calendar date (YYYY-MM-DD), no time of day
 * - text: trimmed text, empty is null; member: a team member, joined; custom: named values
 * - id, lead, time: the store's own bookkeeping, never written by callers
 */
export type OpportunityFieldKind = 'id' | 'lead' | 'money' | 'currency' | 'status' | 'percent' | 'date' | 'text' | 'member' | 'custom' | 'time';

export interface OpportunityFieldSpec {
	readonly column: string;
	readonly kind: OpportunityFieldKind;
	/** Longest accepted text (custom: bytes of JSON). */
	readonly limit?: number;
	/** Callers set it on create and update. */
	readonly writable?: boolean;
	/** Alias of the joined row (status and member kinds). */
	readonly join?: string;
	readonly label: string;
	readonly description?: string;
}

/** In the order an opportunity's JSON lists them. */
export const OPPORTUNITY_FIELDS = {
	id: { column: 'id', kind: 'id', label: 'ID' },
	leadId: { column: 'lead_id', kind: 'lead', label: 'Lead ID' },
	value: { column: 'value', kind: 'money', writable: true, label: 'Value', description: 'The amount in the currency, e.g. 1250.50 (stored exactly, in minor units)' },
	currency: { column: 'currency', kind: 'currency', writable: true, label: 'Currency', description: 'ISO 4217 code, e.g. USD. Empty: the Lead Store credential\'s Default Currency.' },
	status: { column: 'status_id', kind: 'status', join: 'os', writable: true, label: 'Status' },
	confidence: { column: 'confidence', kind: 'percent', writable: true, label: 'Confidence', description: 'How likely the deal closes, 0 to 100 (%)' },
	expectedCloseDate: { column: 'expected_close_date', kind: 'date', writable: true, label: 'Expected Close Date' },
	note: { column: 'note', kind: 'text', limit: LIMITS.noteContent, writable: true, label: 'Note' },
	owner: { column: 'owner_id', kind: 'member', join: 'om', writable: true, label: 'Owner' },
	custom: { column: 'custom', kind: 'custom', limit: LIMITS.customJson, writable: true, label: 'Custom Fields' },
	createdAt: { column: 'created_at', kind: 'time', label: 'Created' },
	updatedAt: { column: 'updated_at', kind: 'time', label: 'Updated' },
} as const satisfies Record<string, OpportunityFieldSpec>;

type Fields = typeof OPPORTUNITY_FIELDS;
export type OpportunityFieldName = keyof Fields;
export type WritableOpportunityField = { [K in OpportunityFieldName]: Fields[K] extends { readonly writable: true } ? K : never }[OpportunityFieldName];
export type OpportunityFieldKinds = { [K in OpportunityFieldName]: Fields[K]['kind'] };

export type OpportunityFieldEntry = OpportunityFieldSpec & { readonly name: OpportunityFieldName };

export const OPPORTUNITY_FIELD_LIST: readonly OpportunityFieldEntry[] = (Object.keys(OPPORTUNITY_FIELDS) as OpportunityFieldName[]).map((name) => ({
	name,
	...(OPPORTUNITY_FIELDS[name] as OpportunityFieldSpec),
}));

export const WRITABLE_OPPORTUNITY_FIELDS = OPPORTUNITY_FIELD_LIST.filter((f) => f.writable) as ReadonlyArray<
	OpportunityFieldEntry & { name: WritableOpportunityField }
>;
