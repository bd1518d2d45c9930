import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps } from '../../../../core';
import { memberLocator } from '../../../shared/descriptions';
import { toJson } from '../../../shared/output';
import { collectionValue, entriesOf } from '../../../shared/options';
import { locatorValue } from '../../../shared/parameters';

const show = { resource: ['member'], operation: ['update'] };

export const description: INodeProperties[] = [
	memberLocator({ displayOptions: { show } }),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			{ displayName: 'Active', name: 'active', type: 'boolean', default: true, description: 'Whether the member receives assignments' },
			{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
			{ displayName: 'Name', name: 'name', type: 'string', default: '' },
		],
	},
];

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number) {
	const fields = collectionValue(fn, 'updateFields', i, entriesOf(description, 'updateFields'));
	return toJson(await ops.updateMember(locatorValue(fn, 'member', i), fields));
}
