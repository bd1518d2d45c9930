import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { OPPORTUNITY_FIELDS, type OpportunityFields, type OpportunityWriteOptions } from '../../core';
import { leadLocator, memberLocator } from '../shared/descriptions';
import { actionMethods } from '../shared/nodeBase';
import { collectionValue, optionsFrom, optionValue } from '../shared/options';
import { closeInDaysProperty, opportunityFieldProperty, opportunityFieldsFromValues, statusLocator } from '../shared/opportunities/descriptions';
import { opportunityWriteOptions } from '../shared/opportunities/writeOptions';
import { toJson } from '../shared/output';
import { locatorValue } from '../shared/parameters';
import { runItems } from '../shared/runItems';
import { textOr } from '../shared/subtitles';

const OWNER_MODES = ['leadOwner', 'member', 'none'] as const;
const ownerOptions = optionsFrom(OWNER_MODES, {
	leadOwner: { name: "Lead's Owner", description: "The lead's owner when the step runs (nobody if the lead has none)" },
	member: { name: 'Specific Member', description: 'An active team member' },
	none: { name: 'Nobody', description: 'The opportunity has no owner' },
});

const field = (name: keyof typeof OPPORTUNITY_FIELDS) => opportunityFieldProperty({ name, ...OPPORTUNITY_FIELDS[name] });

const additionalFields: INodeProperties[] = [
	closeInDaysProperty,
	field('confidence'),
	field('currency'),
	field('custom'),
	field('expectedCloseDate'),
	field('note'),
	statusLocator({ required: false, description: 'Empty: the first active status' }),
];

export class CreateOpportunity implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Create Opportunity',
		name: 'createOpportunity',
		icon: { light: 'file:../../icons/lead.svg', dark: 'file:../../icons/lead.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{ ${textOr('value', 'New opportunity', 'Value from an expression', 'Value ')} }}`,
		description: 'Create an opportunity (a deal) on a lead: value, currency, status, confidence, close date, owner (opportunities do not count as activity)',
		defaults: { name: 'Create Opportunity' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'leadStoreApi', required: true, testedBy: 'leadStoreApiTest' }],
		properties: [
			leadLocator(),
			field('value'),
			{
				displayName: 'Owner',
				name: 'ownerMode',
				type: 'options',
				options: ownerOptions,
				default: 'leadOwner',
			},
			memberLocator({ name: 'owner', displayName: 'Team Member', displayOptions: { show: { ownerMode: ['member'] } } }),
			{
				displayName: 'Additional Fields',
				name: 'additionalFields',
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				options: additionalFields,
			},
		],
	};

	methods = actionMethods();

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		let writeOptions: OpportunityWriteOptions | undefined;
		return runItems(this, async (ops, i, context) => {
			// Options first: an unknown one is the error, whatever else is wrong.
			const ownerMode = optionValue(this, 'ownerMode', i, ownerOptions, 'leadOwner');
			const fields: OpportunityFields = {
				...opportunityFieldsFromValues(collectionValue(this, 'additionalFields', i, additionalFields)),
				amount: this.getNodeParameter('value', i, ''),
			};
			if (ownerMode === 'member') fields.owner = locatorValue(this, 'owner', i);
			if (ownerMode === 'none') fields.owner = null;
			writeOptions ??= await opportunityWriteOptions(this);
			const { opportunity, lead, again } = await ops.createOpportunity(locatorValue(this, 'lead', i), fields, writeOptions, context);
			return { ...toJson(opportunity), ...(again ? { reason: again } : {}), lead: toJson(lead) };
		});
	}
}
