/**
 * Every lead field, described once. The model's Lead and LeadFields types, the store's SQL
 * (column lists, joins, row mapping, validation), the audience filter's fields and columns, and
 * the nodes' field lists are all derived from this table. Adding a field is one entry here and
 * one migration adding its column (core/sql/migrations.ts).
 */
import { LIMITS } from '../validation';

/**
 * What a field holds, which decides how it is checked, stored, read back and filtered:
 * - text, email: trimmed text (email checked and lower-cased), empty is null
 * - priority: one of PRIORITIES; stage / member: a reference to a stage / team member, joined
 * - custom: a JSON object of named values
 * - id, count, time, activityKind: the store's own bookkeeping, never written by callers
 */
export type LeadFieldKind = 'id' | 'text' | 'email' | 'priority' | 'stage' | 'member' | 'custom' | 'time' | 'count' | 'activityKind';

export interface LeadFieldSpec {
	/** Its column in the leads table. */
	readonly column: string;
	readonly kind: LeadFieldKind;
	/** Longest accepted text, in characters (for custom: bytes of JSON). */
	readonly limit?: number;
	/** Callers set it on create and update; the Lead node offers it in both. */
	readonly writable?: boolean;
	/** A lead needs at least one of these; Create shows them as its own parameters. */
	readonly contact?: boolean;
	/** The audience filter can test it. */
	readonly filterable?: boolean;
	/** Where the nodes offer it as a filter (both need `filterable`). */
	readonly offer?: { readonly audienceFilter?: boolean; readonly getManyFilter?: boolean };
	/** Alias of the joined stages / members row (stage and member kinds). */
	readonly join?: string;
	/** How nodes name it. */
	readonly label: string;
	/** How the audience filter's Field list names it, when not `label`. */
	readonly filterLabel?: string;
	readonly filterDescription?: string;
	readonly placeholder?: string;
	readonly description?: string;
}

/** The rule the `contact` fields make; said by the store's error and the node's description. */
export const CONTACT_RULE = 'a lead needs at least a name, an email or a phone number';

const inFilters = { audienceFilter: true, getManyFilter: true } as const;

/** In the order a lead's JSON lists them. */
export const LEAD_FIELDS = {
	id: { column: 'id', kind: 'id', label: 'ID' },
	name: { column: 'name', kind: 'text', limit: LIMITS.name, writable: true, contact: true, filterable: true, offer: { audienceFilter: true }, label: 'Name' },
	email: { column: 'email', kind: 'email', limit: LIMITS.email, writable: true, contact: true, filterable: true, offer: { audienceFilter: true }, label: 'Email', placeholder: 'name@email.com' },
	phone: { column: 'phone', kind: 'text', limit: LIMITS.phone, writable: true, contact: true, filterable: true, offer: { audienceFilter: true }, label: 'Phone' },
	stage: {
		column: 'stage_id', kind: 'stage', join: 's', writable: true, filterable: true, offer: inFilters, label: 'Stage',
		filterLabel: 'Lead Stage', filterDescription: 'By stage name or ID (Contains matches the stage name)',
	},
	source: { column: 'source', kind: 'text', limit: LIMITS.source, writable: true, filterable: true, offer: inFilters, label: 'Source', filterLabel: 'Lead Source', placeholder: 'e.g. Facebook Ads' },
	type: { column: 'type', kind: 'text', limit: LIMITS.type, writable: true, filterable: true, offer: inFilters, label: 'Type', filterLabel: 'Lead Type', placeholder: 'e.g. Business' },
	priority: {
		column: 'priority', kind: 'priority', writable: true, filterable: true, offer: inFilters, label: 'Priority',
		filterLabel: 'Lead Priority', filterDescription: 'Low, normal, high or urgent',
	},
	gender: { column: 'gender', kind: 'text', limit: LIMITS.gender, writable: true, filterable: true, offer: inFilters, label: 'Gender' },
	owner: {
		column: 'owner_id', kind: 'member', join: 'm', writable: true, filterable: true, offer: inFilters, label: 'Owner',
		filterDescription: 'By team member email or ID (Contains matches the member name)', placeholder: 'Member ID or email; "none" for unassigned leads',
	},
	custom: {
		column: 'custom', kind: 'custom', limit: LIMITS.customJson, writable: true, filterable: true, offer: { audienceFilter: true }, label: 'Custom Fields',
		filterLabel: 'Custom Field', filterDescription: 'A custom field of the lead, by its name',
	},
	createdAt: { column: 'created_at', kind: 'time', filterable: true, offer: { getManyFilter: true }, label: 'Created' },
	updatedAt: { column: 'updated_at', kind: 'time', label: 'Updated' },
	lastActivityAt: { column: 'last_activity_at', kind: 'time', filterable: true, offer: { getManyFilter: true }, label: 'Last Activity' },
	lastActivityKind: { column: 'last_activity_kind', kind: 'activityKind', label: 'Last Activity Kind' },
	/** Counts activities: a new episode of (in)activity starts each time it grows. */
	episode: { column: 'episode', kind: 'count', label: 'Episode' },
} as const satisfies Record<string, LeadFieldSpec>;

type Fields = typeof LEAD_FIELDS;
export type LeadFieldName = keyof Fields;
type NamesWhere<Flag extends keyof LeadFieldSpec> = { [K in LeadFieldName]: Fields[K] extends { readonly [F in Flag]: true } ? K : never }[LeadFieldName];
export type WritableLeadField = NamesWhere<'writable'>;
export type FilterableLeadField = NamesWhere<'filterable'>;
/** The kind of each field, as a type (model.ts maps kinds to value types). */
export type LeadFieldKinds = { [K in LeadFieldName]: Fields[K]['kind'] };

export type LeadFieldEntry = LeadFieldSpec & { readonly name: LeadFieldName };

/** The registry as a list, in order. */
export const LEAD_FIELD_LIST: readonly LeadFieldEntry[] = (Object.keys(LEAD_FIELDS) as LeadFieldName[]).map((name) => ({
	name,
	...(LEAD_FIELDS[name] as LeadFieldSpec),
}));

export const WRITABLE_LEAD_FIELDS = LEAD_FIELD_LIST.filter((f) => f.writable) as ReadonlyArray<LeadFieldEntry & { name: WritableLeadField }>;
export const FILTERABLE_LEAD_FIELDS = LEAD_FIELD_LIST.filter((f) => f.filterable) as ReadonlyArray<LeadFieldEntry & { name: FilterableLeadField }>;
export const CONTACT_LEAD_FIELDS = LEAD_FIELD_LIST.filter((f) => f.contact);

/** The fields a node offers in one place: the audience filter's Field list, or Get Many's Filters. */
export const leadFieldsOfferedIn = (place: 'audienceFilter' | 'getManyFilter') =>
	FILTERABLE_LEAD_FIELDS.filter((f) => f.offer?.[place]);

export const leadField = (name: LeadFieldName): LeadFieldEntry => ({ name, ...(LEAD_FIELDS[name] as LeadFieldSpec) });
