/**
 * Opportunity parameters the opportunity nodes and the Lead node share, derived from the core's
 * OPPORTUNITY_FIELDS: one property per writable field, the opportunity and status pickers.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { invalid, OPPORTUNITY_STATUS_KINDS, WRITABLE_OPPORTUNITY_FIELDS, type OpportunityFieldEntry, type OpportunityFields } from '../../../core';
import { memberLocator } from '../descriptions';
import { optionsFrom } from '../options';
import { customFieldsParameter } from '../parameters';

export const opportunityLocator = (overrides: Partial<INodeProperties> = {}): INodeProperties => ({
	displayName: 'Opportunity',
	name: 'opportunity',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	modes: [
		{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchOpportunities', searchable: true } },
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 12',
			validation: [{ type: 'regex', properties: { regex: '^\\s*\\d+\\s*$', errorMessage: 'An opportunity ID is a whole number' } }],
		},
	],
	...overrides,
});

export const statusLocator = (overrides: Partial<INodeProperties> = {}): INodeProperties => ({
	displayName: 'Status',
	name: 'status',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	modes: [
		{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchOpportunityStatuses', searchable: true } },
		{ displayName: 'By Name', name: 'name', type: 'string', placeholder: 'e.g. Won' },
		{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'e.g. 2' },
	],
	...overrides,
});

/** An opportunity status's kind, as the store knows them. */
export const statusKindOptions = optionsFrom(OPPORTUNITY_STATUS_KINDS, { active: 'Active', won: 'Won', lost: 'Lost' });

/** "X days after the step": the close date's other form, beside a date. */
export const closeInDaysProperty: INodeProperties = {
	displayName: 'Close In (Days)',
	name: 'closeInDays',
	type: 'number',
	typeOptions: { minValue: 0, numberPrecision: 0 },
	default: 30,
	description: 'Sets the expected close date this many calendar days after the step runs (in the workflow\'s timezone). Use this or Expected Close Date.',
};

/** One writable opportunity field as a node parameter. */
export function opportunityFieldProperty(f: OpportunityFieldEntry): INodeProperties {
	const text = { displayName: f.label, name: f.name, ...(f.description ? { description: f.description } : {}) };
	switch (f.kind) {
		case 'money':
			// Text, not a number: "1250.50" stays exact, and empty means "not known yet".
			return { ...text, type: 'string', default: '', placeholder: 'e.g. 1250.50' };
		case 'currency':
			return { ...text, type: 'string', default: '', placeholder: 'e.g. EUR' };
		case 'status':
			return statusLocator({ ...text, required: false });
		case 'percent':
			return { ...text, type: 'number', typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 0 }, default: 50 };
		case 'date':
			return { ...text, type: 'dateTime', default: '', description: 'The day the deal is expected to close (the time of day is ignored). Use this or Close In (Days).' };
		case 'member':
			return memberLocator({ ...text, required: false, description: 'A team member; "none" (By ID) for nobody' });
		case 'custom':
			return {
				...text,
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
			};
		default:
			return { ...text, type: 'string', typeOptions: { rows: 3 }, default: '' };
	}
}

const byDisplayName = (a: INodeProperties, b: INodeProperties) => a.displayName.localeCompare(b.displayName);

/** Update Opportunity's Update Fields: every writable field, and Close In (Days). */
export const opportunityFieldOptions: INodeProperties[] = [...WRITABLE_OPPORTUNITY_FIELDS.map(opportunityFieldProperty), closeInDaysProperty].sort(byDisplayName);

const locator = (value: unknown): string =>
	String(value && typeof value === 'object' ? ((value as IDataObject).value ?? '') : (value ?? '')).trim();

/**
 * Opportunity fields from a collection's values: only what the user added is set. The value is
 * a decimal amount; an owner "none" is nobody; Close In (Days) is the close date's other form.
 */
export function opportunityFieldsFromValues(raw: IDataObject): OpportunityFields {
	const fields: Record<string, unknown> = {};
	for (const f of WRITABLE_OPPORTUNITY_FIELDS) {
		if (!(f.name in raw)) continue;
		const value = raw[f.name];
		if (f.kind === 'money') fields.amount = value;
		else if (f.kind === 'status') fields[f.name] = locator(value);
		else if (f.kind === 'member') fields[f.name] = locator(value).toLowerCase() === 'none' ? null : locator(value) || null;
		else if (f.kind === 'custom') fields[f.name] = customFieldsParameter(value);
		else fields[f.name] = value;
	}
	if ('closeInDays' in raw) {
		if ('expectedCloseDate' in raw && raw.expectedCloseDate !== '' && raw.expectedCloseDate !== null) {
			throw invalid('expectedCloseDate', 'expectedCloseDate: give Expected Close Date or Close In (Days), not both');
		} else {
			fields.expectedCloseDate = { daysAfter: raw.closeInDays };
		}
	}
	return fields as OpportunityFields;
}
