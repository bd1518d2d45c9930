import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { invalid, type OpportunityTarget, type OpportunityWriteOptions } from '../../core';
import { leadLocator } from '../shared/descriptions';
import { actionMethods } from '../shared/nodeBase';
import { collectionValue, optionsFrom, optionValue } from '../shared/options';
import { opportunityFieldOptions, opportunityFieldsFromValues, opportunityLocator } from '../shared/opportunities/descriptions';
import { opportunityWriteOptions } from '../shared/opportunities/writeOptions';
import { toJson } from '../shared/output';
import { locatorValue } from '../shared/parameters';
import { runItems } from '../shared/runItems';
import { optionLabel } from '../shared/subtitles';

const WHICH = ['trigger', 'newest', 'oldest', 'id'] as const;
const whichOptions = optionsFrom(WHICH, {
	trigger: { name: 'The One That Triggered the Workflow', description: "The incoming item's opportunity (an Opportunity Trigger's output)" },
	newest: { name: 'Newest on the Lead', description: 'The opportunity created last on the lead' },
	oldest: { name: 'Oldest on the Lead', description: 'The opportunity created first on the lead' },
	id: { name: 'By ID', description: 'A specific opportunity of the lead' },
});

const updateFields: INodeProperties[] = opportunityFieldOptions;

/** The opportunity of the incoming item, as the Opportunity Trigger (or Create Opportunity) outputs it. */
function triggeringOpportunity(item: INodeExecutionData | undefined): unknown {
	const json = item?.json ?? {};
	const fromTrigger = (json.opportunity as IDataObject | undefined)?.id;
	if (fromTrigger !== undefined) return fromTrigger;
	throw invalid('opportunity', "opportunity: the incoming item has no opportunity (it did not come from an Opportunity Trigger); choose Newest, Oldest or By ID");
}

export class UpdateOpportunity implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Update Opportunity',
		name: 'updateOpportunity',
		icon: { light: 'file:../../icons/lead.svg', dark: 'file:../../icons/lead.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{ ${optionLabel('opportunity', whichOptions, 'an opportunity')} }}`,
		description: "Update an opportunity of a lead: the one that triggered the workflow, the lead's newest or oldest, or one by ID",
		defaults: { name: 'Update Opportunity' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'leadStoreApi', required: true, testedBy: 'leadStoreApiTest' }],
		properties: [
			leadLocator(),
			{
				displayName: 'Opportunity',
				name: 'opportunity',
				type: 'options',
				options: whichOptions,
				default: 'newest',
				description: 'Which opportunity of the lead to update. A lead with none: the step writes nothing and outputs skipped: true with the reason.',
			},
			opportunityLocator({ name: 'opportunityId', displayName: 'Opportunity ID', displayOptions: { show: { opportunity: ['id'] } } }),
			{
				displayName: 'Update Fields',
				name: 'updateFields',
				type: 'collection',
				placeholder: 'Add Field',
				default: {},
				options: updateFields,
			},
			{
				displayName: 'Overwrite Existing Values',
				name: 'overwrite',
				type: 'boolean',
				default: true,
				description: 'Whether to replace values the opportunity has already. Off: only empty fields are filled (custom fields key by key), and the status and currency are left as they are.',
			},
		],
	};

	methods = actionMethods();

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		let writeOptions: OpportunityWriteOptions | undefined;
		return runItems(this, async (ops, i, context) => {
			// Options first: an unknown one is the error, whatever else is wrong.
			const which = optionValue(this, 'opportunity', i, whichOptions, 'newest');
			const fields = opportunityFieldsFromValues(collectionValue(this, 'updateFields', i, updateFields));
			const target: OpportunityTarget =
				which === 'trigger'
					? { id: triggeringOpportunity(items[i]) }
					: which === 'id'
						? { id: locatorValue(this, 'opportunityId', i), field: 'opportunityId' }
						: { which };
			writeOptions ??= await opportunityWriteOptions(this);
			const overwrite = this.getNodeParameter('overwrite', i, true) as boolean;
			const result = await ops.updateOpportunity(locatorValue(this, 'lead', i), target, fields, { ...writeOptions, overwrite }, context);
			if (result.skipped) return { skipped: true, reason: result.reason, lead: toJson(result.lead) };
			return {
				...toJson(result.opportunity),
				lead: toJson(result.lead),
				changedFields: result.changed,
				...(result.previousStatus ? { previousStatus: toJson(result.previousStatus) } : {}),
			};
		});
	}
}
