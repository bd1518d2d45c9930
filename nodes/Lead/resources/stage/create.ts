import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps } from '../../../../core';
import { optionValue } from '../../../shared/options';
import { stageKindOptions } from './kindOptions';

const show = { resource: ['stage'], operation: ['create'] };

export const description: INodeProperties[] = [
	{ displayName: 'Name', name: 'name', type: 'string', required: true, default: '', displayOptions: { show } },
	{ displayName: 'Kind', name: 'kind', type: 'options', options: stageKindOptions, default: 'open', displayOptions: { show }, description: 'Won and Lost close a lead; Stale Lead Trigger never watches them' },
	{ displayName: 'Position', name: 'position', type: 'number', typeOptions: { minValue: 0 }, default: 0, displayOptions: { show }, description: 'Place in the pipeline, from 1. 0: at the end.' },
];

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number) {
	const position = fn.getNodeParameter('position', i, 0) as number;
	const kind = optionValue(fn, 'kind', i, stageKindOptions, 'open');
	return { ...(await ops.createStage({ name: fn.getNodeParameter('name', i), kind, position: position || undefined })) };
}
