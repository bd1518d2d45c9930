import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { actionMethods } from '../shared/nodeBase';
import { runItems } from '../shared/runItems';
import { wakeWaitingRuns } from '../shared/tasks/resume';
import { getStages } from '../shared/stageOptions';
import { getOpportunityStatuses } from '../shared/opportunities/listSearch';
import { operationSubtitle } from '../shared/subtitles';
import { accessOf, resourceOptions, resources, router } from './router';

const properties: INodeProperties[] = [
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
	...resources.opportunity.description,
	...resources.opportunityStatus.description,
	...resources.task.description,
];

export class Lead implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Lead',
		name: 'lead',
		icon: { light: 'file:../../icons/lead.svg', dark: 'file:../../icons/lead.dark.svg' },
		group: ['transform'],
		version: 1,
		// The subtitle names the chosen operation and resource by their labels.
		subtitle: operationSubtitle(properties, 'Lead'),
		description: 'Create, find, update and delete leads; log activities; complete, cancel, skip and find tasks; manage stages, the team, opportunities and their statuses',
		defaults: { name: 'Lead' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'leadStoreApi', required: true, testedBy: 'leadStoreApiTest' }],
		properties,
	};

	methods = {
		...actionMethods(),
		loadOptions: { getStages, getOpportunityStatuses },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// Runs waiting for a task this run closed are woken once the closing has committed.
		return wakeWaitingRuns(this, await runItems(this, router(this), { access: accessOf(this) }));
	}
}
