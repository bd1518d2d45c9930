import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import type { LeadOps, WriteContext } from '../../core';
import { leadLocator, stageLocator } from '../shared/descriptions';
import { toJson } from '../shared/output';
import { locatorValue } from '../shared/parameters';
import { runItems } from '../shared/runItems';
import { locatorLabel } from '../shared/subtitles';
import { actionMethods } from '../shared/nodeBase';

export class UpdateLeadStage implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Update Lead Stage',
		name: 'updateLeadStage',
		icon: { light: 'file:../../icons/lead.svg', dark: 'file:../../icons/lead.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{ "to " + ${locatorLabel('stage', 'stage')} }}`,
		description: 'Move a lead to another stage of the pipeline; Lead Status Changed workflows then run',
		defaults: { name: 'Update Lead Stage' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'leadStoreApi', required: true, testedBy: 'leadStoreApiTest' }],
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
	};

	methods = actionMethods();

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const plan = (i: number, context: WriteContext) => {
			const options = this.getNodeParameter('options', i, {}) as { force?: boolean };
			return { leadId: locatorValue(this, 'lead', i), stage: locatorValue(this, 'stage', i), force: options.force === true, context };
		};
		const output = (moved: StageChange) => ({
			lead: toJson(moved.lead),
			previousStage: toJson(moved.previousStage),
			newStage: toJson(moved.newStage),
			changed: moved.changed,
		});
		return runItems(
			this,
			async (ops, i, context) => {
				const move = plan(i, context);
				return output(await ops.changeStage(move.leadId, move.stage, { force: move.force }, context));
			},
			// Many items: every move in a few statements, falling back to item by item (runItems).
			{ bulk: { plan, run: async (ops, moves) => (await ops.changeStages(moves))?.map(output) } },
		);
	}
}

type StageChange = Awaited<ReturnType<LeadOps['changeStage']>>;
