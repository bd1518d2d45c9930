import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps } from '../../../../core';

export const description: INodeProperties[] = [
	{
		displayName: 'Order',
		name: 'order',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. New, Contacted, Demo, Qualified',
		displayOptions: { show: { resource: ['stage'], operation: ['reorder'] } },
		description: 'Stage names or IDs, comma-separated, in their new order. Stages not named keep their order after these.',
	},
];

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number) {
	const order = String(fn.getNodeParameter('order', i, '')).split(',').map((s) => s.trim()).filter(Boolean);
	return (await ops.reorderStages(order)).map((s) => ({ ...s }));
}
