import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps } from '../../../../core';
import { leadLocator } from '../../../shared/descriptions';
import { toJson } from '../../../shared/output';
import { locatorValue } from '../../../shared/parameters';

const show = { resource: ['lead'], operation: ['getTasks'] };

export const description: INodeProperties[] = [
	leadLocator({ displayOptions: { show } }),
	{
		displayName: 'Status',
		name: 'taskStatus',
		type: 'options',
		options: [
			{ name: 'Any', value: 'any' },
			{ name: 'Canceled', value: 'canceled' },
			{ name: 'Done', value: 'done' },
			{ name: 'Open', value: 'open' },
		],
		default: 'any',
		displayOptions: { show },
	},
];

/** One item per task: open ones first by due date (undated last), then the rest. */
export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number) {
	const status = fn.getNodeParameter('taskStatus', i, 'any') as 'any' | 'open' | 'done' | 'canceled';
	return (await ops.listTasks(locatorValue(fn, 'lead', i), status === 'any' ? {} : { status })).map(toJson);
}
