import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps } from '../../../../core';
import { opportunityLocator } from '../../../shared/opportunities/descriptions';
import { toJson } from '../../../shared/output';
import { locatorValue } from '../../../shared/parameters';

export const description: INodeProperties[] = [opportunityLocator({ displayOptions: { show: { resource: ['opportunity'], operation: ['get'] } } })];

/** Reads only: runs on a snapshot that never waits for the store's writers. */
export const access = 'read';

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number) {
	return toJson(await ops.getOpportunity(locatorValue(fn, 'opportunity', i)));
}
