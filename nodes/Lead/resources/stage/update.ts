import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps } from '../../../../core';
import { stageLocator } from '../../../shared/descriptions';
import { collectionValue, entriesOf } from '../../../shared/options';
import { locatorValue } from '../../../shared/parameters';
import { stageKindOptions } from './kindOptions';

const show = { resource: ['stage'], operation: ['update'] };

export const description: INodeProperties[] = [
	stageLocator({ displayOptions: { show } }),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			{ displayName: 'Kind', name: 'kind', type: 'options', options: stageKindOptions, default: 'open' },
			{ displayName: 'Name', name: 'name', type: 'string', default: '' },
		],
	},
];

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number) {
	const fields = collectionValue(fn, 'updateFields', i, entriesOf(description, 'updateFields'));
	return { ...(await ops.updateStage(locatorValue(fn, 'stage', i), fields)) };
}
