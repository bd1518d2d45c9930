import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps } from '../../../../core';
import { toJson } from '../../../shared/output';

export const description: INodeProperties[] = [
	{ displayName: 'Active Only', name: 'activeOnly', type: 'boolean', default: false, displayOptions: { show: { resource: ['member'], operation: ['getMany'] } }, description: 'Whether to leave out inactive members' },
];

/** Reads only: runs on a snapshot that never waits for the store's writers. */
export const access = 'read';

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number) {
	return (await ops.listMembers({ activeOnly: fn.getNodeParameter('activeOnly', i, false) as boolean })).map(toJson);
}
