import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps } from '../../../../core';
import { opportunityLocator } from '../../../shared/opportunities/descriptions';
import { locatorValue } from '../../../shared/parameters';

export const description: INodeProperties[] = [opportunityLocator({ displayOptions: { show: { resource: ['opportunity'], operation: ['delete'] } } })];

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number) {
	return { ...(await ops.deleteOpportunity(locatorValue(fn, 'opportunity', i))) };
}
