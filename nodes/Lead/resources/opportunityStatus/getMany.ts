import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps } from '../../../../core';

export const description: INodeProperties[] = [];

/** Reads only: runs on a snapshot that never waits for the store's writers. */
export const access = 'read';

/** One item per status, in order. */
export async function execute(_fn: IExecuteFunctions, ops: LeadOps) {
	return (await ops.listOpportunityStatuses()).map((s) => ({ ...s }));
}
