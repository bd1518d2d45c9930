import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps } from '../../../../core';
import { stageLocator } from '../../../shared/descriptions';
import { locatorValue } from '../../../shared/parameters';

const on = (operation: string) => ({ show: { resource: ['stage'], operation: [operation] } });
const kindOptions = [
	{ name: 'Open', value: 'open' },
	{ name: 'Won', value: 'won' },
	{ name: 'Lost', value: 'lost' },
];

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['stage'] } },
		options: [
			{ name: 'Create', value: 'create', action: 'Create a stage' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many stages' },
			{ name: 'Reorder', value: 'reorder', action: 'Reorder stages' },
			{ name: 'Update', value: 'update', action: 'Update a stage' },
		],
		default: 'getMany',
	},
	{ displayName: 'Name', name: 'name', type: 'string', required: true, default: '', displayOptions: on('create') },
	{ displayName: 'Kind', name: 'kind', type: 'options', options: kindOptions, default: 'open', displayOptions: on('create'), description: 'Won and Lost close a lead; Stale Lead Trigger never watches them' },
	{ displayName: 'Position', name: 'position', type: 'number', typeOptions: { minValue: 0 }, default: 0, displayOptions: on('create'), description: 'Place in the pipeline, from 1. 0: at the end.' },
	stageLocator({ displayOptions: on('update') }),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: on('update'),
		options: [
			{ displayName: 'Kind', name: 'kind', type: 'options', options: kindOptions, default: 'open' },
			{ displayName: 'Name', name: 'name', type: 'string', default: '' },
		],
	},
	{
		displayName: 'Order',
		name: 'order',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. New, Contacted, Demo, Qualified',
		displayOptions: on('reorder'),
		description: 'Stage names or IDs, comma-separated, in their new order. Stages not named keep their order after these.',
	},
];

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number, operation: string) {
	switch (operation) {
		case 'create': {
			const position = fn.getNodeParameter('position', i, 0) as number;
			return { ...(await ops.createStage({ name: fn.getNodeParameter('name', i), kind: fn.getNodeParameter('kind', i), position: position || undefined })) };
		}
		case 'update':
			return { ...(await ops.updateStage(locatorValue(fn, 'stage', i), fn.getNodeParameter('updateFields', i, {}) as object)) };
		case 'reorder': {
			const order = String(fn.getNodeParameter('order', i, '')).split(',').map((s) => s.trim()).filter(Boolean);
			return (await ops.reorderStages(order)).map((s) => ({ ...s }));
		}
		default:
			return (await ops.listStages()).map((s) => ({ ...s }));
	}
}
