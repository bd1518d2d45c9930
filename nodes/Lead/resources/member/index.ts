import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps } from '../../../../core';
import { memberLocator } from '../../../shared/descriptions';
import { toJson } from '../../../shared/output';
import { locatorValue } from '../../../shared/parameters';

const on = (operation: string) => ({ show: { resource: ['member'], operation: [operation] } });

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['member'] } },
		options: [
			{ name: 'Create', value: 'create', action: 'Create a team member' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many team members' },
			{ name: 'Update', value: 'update', action: 'Update a team member' },
		],
		default: 'create',
	},
	{ displayName: 'Name', name: 'name', type: 'string', required: true, default: '', displayOptions: on('create') },
	{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '', displayOptions: on('create') },
	{ displayName: 'Active', name: 'active', type: 'boolean', default: true, displayOptions: on('create'), description: 'Whether the member receives assignments; inactive members keep their place in round robin' },
	{ displayName: 'Active Only', name: 'activeOnly', type: 'boolean', default: false, displayOptions: on('getMany'), description: 'Whether to leave out inactive members' },
	memberLocator({ displayOptions: on('update') }),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: on('update'),
		options: [
			{ displayName: 'Active', name: 'active', type: 'boolean', default: true, description: 'Whether the member receives assignments' },
			{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
			{ displayName: 'Name', name: 'name', type: 'string', default: '' },
		],
	},
];

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number, operation: string) {
	switch (operation) {
		case 'create':
			return toJson(await ops.createMember({ name: fn.getNodeParameter('name', i), email: fn.getNodeParameter('email', i, ''), active: fn.getNodeParameter('active', i, true) }));
		case 'update':
			return toJson(await ops.updateMember(locatorValue(fn, 'member', i), fn.getNodeParameter('updateFields', i, {}) as object));
		default:
			return (await ops.listMembers({ activeOnly: fn.getNodeParameter('activeOnly', i, false) as boolean })).map(toJson);
	}
}
