import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { leadLocator } from '../shared/descriptions';
import { toJson } from '../shared/output';
import { locatorValue } from '../shared/parameters';
import { runItems } from '../shared/runItems';
import { actionMethods } from '../shared/nodeBase';
import { param } from '../shared/subtitles';

export class CreateLeadNote implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Create Lead Note',
		name: 'createLeadNote',
		icon: { light: 'file:../../icons/lead.svg', dark: 'file:../../icons/lead.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{ ${param('pinned')} === true ? "Pinned note" : "Note" }}`,
		description: 'Add an internal note to a lead (notes do not count as activity)',
		defaults: { name: 'Create Lead Note' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'leadStoreApi', required: true, testedBy: 'leadStoreApiTest' }],
		properties: [
			leadLocator(),
			{
				displayName: 'Content',
				name: 'content',
				type: 'string',
				typeOptions: { rows: 4 },
				required: true,
				default: '',
				placeholder: 'e.g. Called once, no answer; try again on Monday',
				description: 'The text of the note. Use expressions to put lead or workflow data in it.',
			},
			{
				displayName: 'Pinned',
				name: 'pinned',
				type: 'boolean',
				default: false,
				description: 'Whether to pin the note: pinned notes are listed before the others',
			},
		],
	};

	methods = actionMethods();

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return runItems(this, async (ops, i, context) => {
			const { note, lead, again } = await ops.createNote(
				locatorValue(this, 'lead', i),
				{ content: this.getNodeParameter('content', i, ''), pinned: this.getNodeParameter('pinned', i, false) },
				context,
			);
			return { ...toJson(note), ...(again ? { reason: again } : {}), lead: toJson(lead) };
		});
	}
}
