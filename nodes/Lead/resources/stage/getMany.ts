import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps } from '../../../../core';

export const description: INodeProperties[] = [];

/** One item per stage, in pipeline order. */
/** Reads only: runs on a snapshot that never waits for the store's writers. */
export const access = 'read';

export async function execute(_fn: IExecuteFunctions, ops: LeadOps) {
	return (await ops.listStages()).map((s) => ({ ...s }));
}
