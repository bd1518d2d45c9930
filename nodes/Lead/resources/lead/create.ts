import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps, WriteContext } from '../../../../core';
import { toJson } from '../../../shared/output';
import { leadFieldsFrom } from './leadFieldsFrom';
import { leadFieldOptions } from './fields';

const show = { resource: ['lead'], operation: ['create'] };

export const description: INodeProperties[] = [
	{ displayName: 'Name', name: 'name', type: 'string', default: '', displayOptions: { show }, description: 'A lead needs at least a name, an email or a phone number' },
	{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '', displayOptions: { show } },
	{ displayName: 'Phone', name: 'phone', type: 'string', default: '', displayOptions: { show } },
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: leadFieldOptions.filter((f) => !['name', 'email', 'phone'].includes(f.name)),
	},
];

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number, context: WriteContext) {
	const fields = leadFieldsFrom(fn, i, 'additionalFields');
	for (const key of ['name', 'email', 'phone'] as const) fields[key] = fn.getNodeParameter(key, i, '') as string;
	return toJson(await ops.createLead(fields, context));
}
