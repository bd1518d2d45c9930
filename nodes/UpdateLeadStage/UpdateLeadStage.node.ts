import {
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { leadLocator, stageLocator } from '../shared/descriptions';
import { toJson } from '../shared/output';
import { locatorValue } from '../shared/parameters';
import { runItems } from '../shared/runItems';
import { actionDescription, actionMethods } from '../shared/nodeBase';
import { locatorLabel } from '../shared/subtitles';

export class UpdateLeadStage implements INodeType {
	description: INodeTypeDescription = actionDescription({
		displayName: 'Update Lead Stage',
		name: 'updateLeadStage',
		subtitle: `={{ "to " + ${locatorLabel('stage', 'stage')} }}`,
		description: 'Move a lead to another stage of the pipeline; Lead Status Changed workflows then run',
		properties: [
			leadLocator(),
			stageLocator({
				description:
					'The stage to move the lead to (Won and Lost included). Records a stage change, which counts as activity and starts a new inactivity period.',
			}),
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Record Even If Unchanged',
						name: 'force',
						type: 'boolean',
						default: false,
						description:
							'Whether to record a stage change (activity and event) when the lead is in that stage already. Off: such a move does nothing and the output says changed: false.',
					},
				],
			},
		],
	});

	methods = actionMethods();

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const fn = this;
		return runItems(fn, async (ops, i, context) => {
			const options = fn.getNodeParameter('options', i, {}) as { force?: boolean };
			const moved = await ops.changeStage(locatorValue(fn, 'lead', i), locatorValue(fn, 'stage', i), { force: options.force === true }, context);
			return {
				lead: toJson(moved.lead),
				previousStage: toJson(moved.previousStage),
				newStage: toJson(moved.newStage),
				changed: moved.changed,
			};
		});
	}
}
