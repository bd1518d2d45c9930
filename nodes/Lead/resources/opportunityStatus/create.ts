import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps } from '../../../../core';
import { optionValue } from '../../../shared/options';
import { statusKindOptions } from '../../../shared/opportunities/descriptions';

const show = { resource: ['opportunityStatus'], operation: ['create'] };

export const description: INodeProperties[] = [
	{ displayName: 'Name', name: 'name', type: 'string', required: true, default: '', displayOptions: { show } },
	{ displayName: 'Kind', name: 'kind', type: 'options', options: statusKindOptions, default: 'active', displayOptions: { show }, description: 'Won and Lost close an opportunity' },
	{ displayName: 'Position', name: 'position', type: 'number', typeOptions: { minValue: 0 }, default: 0, displayOptions: { show }, description: 'Place in the list, from 1. 0: at the end.' },
];

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number) {
	const kind = optionValue(fn, 'kind', i, statusKindOptions, 'active');
	const position = fn.getNodeParameter('position', i, 0) as number;
	return { ...(await ops.createOpportunityStatus({ name: fn.getNodeParameter('name', i), kind, position: position || undefined })) };
}
