/**
 * The Lead node's lead fields, derived from the core's LEAD_FIELDS: the field list of Create and
 * Update, and Get Many's Filters. A field added to the registry appears here by itself.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { CONTACT_LEAD_FIELDS, CONTACT_RULE, leadFieldsOfferedIn, WRITABLE_LEAD_FIELDS, type FilterCondition, type LeadFieldEntry } from '../../../../core';
import { memberLocator, priorityOptions, stageLocator } from '../../../shared/descriptions';

export { priorityOptions };

// n8n lists a collection's options alphabetically by display name (its lint rule asks for it).
const byDisplayName = (a: INodeProperties, b: INodeProperties) => a.displayName.localeCompare(b.displayName);

const customFieldsProperty = (f: LeadFieldEntry): INodeProperties => ({
	displayName: f.label,
	name: f.name,
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	default: {},
	placeholder: 'Add Custom Field',
	options: [
		{
			displayName: 'Field',
			name: 'field',
			values: [
				{ displayName: 'Name', name: 'name', type: 'string', default: '' },
				{ displayName: 'Value', name: 'value', type: 'string', default: '' },
			],
		},
	],
});

/** One writable lead field as a node parameter. */
export function leadFieldProperty(f: LeadFieldEntry): INodeProperties {
	const text = { displayName: f.label, name: f.name, description: f.description };
	switch (f.kind) {
		case 'stage':
			return stageLocator({ ...text, required: false });
		case 'member':
			return memberLocator({ ...text, required: false });
		case 'priority':
			return { ...text, type: 'options', options: priorityOptions, default: 'normal' };
		case 'custom':
			return customFieldsProperty(f);
		default:
			return { ...text, type: 'string', default: '', ...(f.placeholder ? { placeholder: f.placeholder } : {}) };
	}
}

const withoutEmpty = (p: INodeProperties): INodeProperties =>
	Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as unknown as INodeProperties;

/** Every writable field: Update's fields, and Create's (its contact fields are its own parameters). */
export const leadFieldOptions: INodeProperties[] = WRITABLE_LEAD_FIELDS.map(leadFieldProperty).map(withoutEmpty).sort(byDisplayName);

/** The fields Create shows as parameters of their own, in the registry's order. */
export const contactFieldNames: string[] = CONTACT_LEAD_FIELDS.map((f) => f.name);

/** Create's own parameters: the contact fields, the first saying that a lead needs at least one. */
export const createContactProperties = (displayOptions: INodeProperties['displayOptions']): INodeProperties[] =>
	CONTACT_LEAD_FIELDS.map((f, i) => ({
		...withoutEmpty(leadFieldProperty(f)),
		...(i === 0 ? { description: `${CONTACT_RULE[0].toUpperCase()}${CONTACT_RULE.slice(1)}` } : {}),
		displayOptions,
	}));

/** Create's Additional Fields: every other writable field. */
export const createAdditionalFieldOptions = leadFieldOptions.filter((p) => !contactFieldNames.includes(p.name));

// Get Many's Filters: each offered field becomes one or two simple filters, all ANDed.
interface SimpleFilter {
	property: INodeProperties;
	condition(value: unknown): FilterCondition | null;
}

const given = (v: unknown) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);

function simpleFilters(f: LeadFieldEntry & { name: FilterCondition['field'] }): SimpleFilter[] {
	const field = f.name;
	switch (f.kind) {
		case 'time': {
			// createdAt → Created After / Created Before (createdAfter, createdBefore)
			const base = field.replace(/At$/, '');
			return (['after', 'before'] as const).map((operator) => ({
				property: { displayName: `${f.label} ${operator === 'after' ? 'After' : 'Before'}`, name: `${base}${operator === 'after' ? 'After' : 'Before'}`, type: 'dateTime', default: '' },
				condition: (v) => (given(v) ? { field, operator, value: v } : null),
			}));
		}
		case 'stage':
			return [
				{
					property: {
						displayName: `${f.label} Names or IDs`,
						name: `${field}s`,
						type: 'multiOptions',
						typeOptions: { loadOptionsMethod: 'getStages' },
						default: [],
						description: 'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
					},
					condition: (v) => (given(v) ? { field, operator: 'is_one_of', value: v } : null),
				},
			];
		case 'member':
			return [
				{
					property: { displayName: f.label, name: field, type: 'string', default: '', placeholder: f.placeholder },
					// "none" asks for leads without one
					condition: (v) =>
						!given(v) ? null : String(v).trim().toLowerCase() === 'none' ? { field, operator: 'is_empty' } : { field, operator: 'equals', value: v },
				},
			];
		default:
			return [
				{
					property: f.kind === 'priority' ? leadFieldProperty(f) : { displayName: f.label, name: field, type: 'string', default: '' },
					condition: (v) => (given(v) ? { field, operator: 'equals', value: v } : null),
				},
			];
	}
}

const getManyFilters = leadFieldsOfferedIn('getManyFilter').flatMap(simpleFilters);

/** Get Many's Filters collection options. */
export const getManyFilterOptions: INodeProperties[] = getManyFilters.map((s) => withoutEmpty(s.property)).sort(byDisplayName);

/** The Filters the user set, as one AND group's audience-filter conditions. */
export const conditionsFromFilters = (filters: IDataObject): FilterCondition[] =>
	getManyFilters.flatMap((s) => s.condition(filters[s.property.name]) ?? []);
