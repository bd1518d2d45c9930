import {
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { actionDescription, actionMethods } from '../shared/nodeBase';
import { runItems } from '../shared/runItems';
import { getStages } from '../shared/stageOptions';
import { withOperationSubtitle } from '../shared/subtitles';
import { resourceOptions, resources, router } from './router';

export class Lead implements INodeType {
	// The subtitle names the chosen operation and resource by their labels.
	description: INodeTypeDescription = withOperationSubtitle(actionDescription({
		displayName: 'Lead',
		name: 'lead',
		description: 'Create, find, update and delete leads; log activities; manage stages and the team',
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: resourceOptions,
				default: 'lead',
			},
			...resources.lead.description,
			...resources.stage.description,
			...resources.member.description,
		],
	}));

	methods = {
		...actionMethods(),
		loadOptions: { getStages },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return runItems(this, router(this));
	}
}
