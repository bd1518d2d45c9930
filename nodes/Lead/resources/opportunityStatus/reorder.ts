import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps } from '../../../../core';

export const description: INodeProperties[] = [
	{
		displayName: 'Order',
		name: 'statusOrder',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Active, Proposal, Won, Lost',
		displayOptions: { show: { resource: ['opportunityStatus'], operation: ['reorder'] } },
		description: 'Status names or IDs, comma-separated, in their new order. Statuses not named keep their order after these.',
	},
];

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number) {
	const order = String(fn.getNodeParameter('statusOrder', i, '')).split(',').map((s) => s.trim()).filter(Boolean);
	return (await ops.reorderOpportunityStatuses(order)).map((s) => ({ ...s }));
}
