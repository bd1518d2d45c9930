/**
 * The audience filter as n8n parameters: one component for the three lead triggers.
 *
 * "Filter Leads" (off by default) shows a top-level Combine (AND / OR), a list of Conditions and
 * a list of Condition Groups. Each group combines its own conditions with its own AND / OR, and
 * the top-level Combine joins the top-level conditions and the groups: "Combine: AND, Source is
 * Facebook, Group (OR: Priority is High, Owner is empty)" reads Source = Facebook AND (Priority =
 * High OR no owner). `audienceFilterFromParameters` (./audienceFilterParameters.ts) turns the
 * values into the core's FilterGroup, which the store compiles into its query.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { AUDIENCE_FILTER_FIELDS, CUSTOM_FILTER_FIELDS } from './audienceFilterParameters';

/** The lead fields the audience filter offers (LEAD_FIELDS' audienceFilter ones), by name. */
export const FILTER_FIELD_OPTIONS: INodePropertyOptions[] = AUDIENCE_FILTER_FIELDS.map((f) => ({
	name: f.filterLabel ?? f.label,
	value: f.name,
	...(f.filterDescription ? { description: f.filterDescription } : {}),
})).sort((a, b) => a.name.localeCompare(b.name));

export const FILTER_OPERATOR_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Contains', value: 'contains', description: 'The value appears in the field, ignoring case' },
	{ name: 'Equals', value: 'equals', description: 'Text compares ignore case' },
	{ name: 'Is Empty', value: 'is_empty' },
	{ name: 'Is Not Empty', value: 'is_not_empty' },
	{ name: 'Is Not One Of', value: 'is_not_one_of', description: 'None of a comma-separated list (an empty field counts as not one of them)' },
	{ name: 'Is One Of', value: 'is_one_of', description: 'Any of a comma-separated list' },
	{ name: 'Not Equals', value: 'not_equals', description: 'Differs, or the field is empty' },
];

const combinatorOptions: INodePropertyOptions[] = [
	{ name: 'AND (All Must Match)', value: 'and' },
	{ name: 'OR (Any Can Match)', value: 'or' },
];

/** The fields of one condition (used at the top level and inside each group). */
export const conditionFields: INodeProperties[] = [
	{
		displayName: 'Field',
		name: 'field',
		type: 'options',
		options: FILTER_FIELD_OPTIONS,
		default: 'stage',
	},
	{
		displayName: 'Custom Field Name',
		name: 'customField',
		type: 'string',
		default: '',
		placeholder: 'e.g. budget',
		description: 'The name of the custom field to test',
		displayOptions: { show: { field: CUSTOM_FILTER_FIELDS } },
	},
	{
		displayName: 'Operator',
		name: 'operator',
		type: 'options',
		options: FILTER_OPERATOR_OPTIONS,
		default: 'equals',
	},
	{
		displayName: 'Value',
		name: 'value',
		type: 'string',
		default: '',
		placeholder: 'e.g. Facebook Ads',
		description:
			'The value to compare with. For Is One Of and Is Not One Of, a comma-separated list. Lead Stage takes stage names or IDs; Owner takes team member emails or IDs.',
		displayOptions: { hide: { operator: ['is_empty', 'is_not_empty'] } },
	},
];

const conditionList = (displayName: string, name: string): INodeProperties => ({
	displayName,
	name,
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	placeholder: 'Add Condition',
	default: {},
	options: [{ displayName: 'Condition', name: 'condition', values: conditionFields }],
});

const shown = { show: { filterLeads: [true] } };

/** The audience filter parameters, as one block to spread into a trigger's properties. */
export const audienceFilterProperties: INodeProperties[] = [
	{
		displayName: 'Filter Leads',
		name: 'filterLeads',
		type: 'boolean',
		default: false,
		description: 'Whether to run only for leads that match conditions (checked by the lead store when the event is delivered)',
	},
	{
		displayName: 'Combine',
		name: 'filterCombinator',
		type: 'options',
		options: combinatorOptions,
		default: 'and',
		description: 'How the conditions and condition groups below are joined',
		displayOptions: shown,
	},
	{ ...conditionList('Conditions', 'filterConditions'), displayOptions: shown },
	{
		displayName: 'Condition Groups',
		name: 'filterGroups',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Condition Group',
		default: {},
		description: 'Groups of conditions with their own AND / OR, each counted as one condition above',
		displayOptions: shown,
		options: [
			{
				displayName: 'Group',
				name: 'group',
				values: [
					{
						displayName: 'Combine',
						name: 'combinator',
						type: 'options',
						options: combinatorOptions,
						default: 'or',
						description: "How this group's conditions are joined",
					},
					conditionList('Conditions', 'conditions'),
				],
			},
		],
	},
];
