import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps } from '../../../../core';
import { toJson } from '../../../shared/output';

const show = { resource: ['member'], operation: ['create'] };

export const description: INodeProperties[] = [
	{ displayName: 'Name', name: 'name', type: 'string', required: true, default: '', displayOptions: { show } },
	{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '', displayOptions: { show } },
	{ displayName: 'Active', name: 'active', type: 'boolean', default: true, displayOptions: { show }, description: 'Whether the member receives assignments; inactive members keep their place in round robin' },
];

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number) {
	return toJson(await ops.createMember({ name: fn.getNodeParameter('name', i), email: fn.getNodeParameter('email', i, ''), active: fn.getNodeParameter('active', i, true) }));
}
