import {
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { leadLocator } from '../shared/descriptions';
import { toJson } from '../shared/output';
import { locatorValue } from '../shared/parameters';
import { runItems } from '../shared/runItems';
import { actionDescription, actionMethods } from '../shared/nodeBase';
import { param } from '../shared/subtitles';

export class CreateLeadNote implements INodeType {
	description: INodeTypeDescription = actionDescription({
		displayName: 'Create Lead Note',
		name: 'createLeadNote',
		subtitle: `={{ ${param('pinned')} === true ? "Pinned note" : "Note" }}`,
		description: 'Add an internal note to a lead (notes do not count as activity)',
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
	});

	methods = actionMethods();

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const fn = this;
		return runItems(fn, async (ops, i, context) => {
			const { note, lead } = await ops.createNote(
				locatorValue(fn, 'lead', i),
				{ content: fn.getNodeParameter('content', i, ''), pinned: fn.getNodeParameter('pinned', i, false) },
				context,
			);
			return { ...toJson(note), lead: toJson(lead) };
		});
	}
}
