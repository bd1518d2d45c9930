import {
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { actionDescription, actionMethods } from '../shared/nodeBase';
import { runItems } from '../shared/runItems';
import { getStages } from '../shared/stageOptions';
import * as lead from './resources/lead';
import * as member from './resources/member';
import * as stage from './resources/stage';

export class Lead implements INodeType {
	description: INodeTypeDescription = actionDescription({
		displayName: 'Lead',
		name: 'lead',
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Create, find, update and delete leads; log activities; manage stages and the team',
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Lead', value: 'lead' },
					{ name: 'Stage', value: 'stage' },
					{ name: 'Team Member', value: 'member' },
				],
				default: 'lead',
			},
			...lead.description,
			...stage.description,
			...member.description,
		],
	});

	methods = {
		...actionMethods(),
		loadOptions: { getStages },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const fn = this;
		return runItems(fn, async (ops, i, context) => {
			const resource = fn.getNodeParameter('resource', i) as string;
			const operation = fn.getNodeParameter('operation', i) as string;
			if (resource === 'stage') return stage.execute(fn, ops, i, operation);
			if (resource === 'member') return member.execute(fn, ops, i, operation);
			const handler = lead.operations[operation as keyof typeof lead.operations];
			return handler.execute(fn, ops, i, context);
		});
	}
}
