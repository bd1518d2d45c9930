import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps, WriteContext } from '../../../../core';
import { leadLocator } from '../../../shared/descriptions';
import { locatorValue } from '../../../shared/parameters';

export const description: INodeProperties[] = [leadLocator({ displayOptions: { show: { resource: ['lead'], operation: ['delete'] } } })];

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number, context: WriteContext) {
	return { ...(await ops.deleteLead(locatorValue(fn, 'lead', i), context)) };
}
