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
import type { INodeProperties } from 'n8n-workflow';
import { COMBINATOR_OPTIONS, CUSTOM_FILTER_FIELDS, FILTER_FIELD_OPTIONS, FILTER_OPERATOR_OPTIONS } from './audienceFilterParameters';

// Fields, operators and AND / OR: their lists live beside the code that checks values against them.
export { FILTER_FIELD_OPTIONS, FILTER_OPERATOR_OPTIONS };

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
		options: COMBINATOR_OPTIONS,
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
						options: COMBINATOR_OPTIONS,
						default: 'or',
						description: "How this group's conditions are joined",
					},
					conditionList('Conditions', 'conditions'),
				],
			},
		],
	},
];
