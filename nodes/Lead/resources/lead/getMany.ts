import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps } from '../../../../core';
import { collectionValue, entriesOf } from '../../../shared/options';
import { toJson } from '../../../shared/output';
import { conditionsFromFilters, getManyFilterOptions } from './fields';

const show = { resource: ['lead'], operation: ['getMany'] };

export const description: INodeProperties[] = [
	{ displayName: 'Return All', name: 'returnAll', type: 'boolean', default: false, displayOptions: { show }, description: 'Whether to return all results or only up to a given limit' },
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		displayOptions: { show: { ...show, returnAll: [false] } },
		description: 'Max number of results to return',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: getManyFilterOptions,
	},
];

/** Reads only: runs on a snapshot that never waits for the store's writers. */
export const access = 'read';

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number) {
	const returnAll = fn.getNodeParameter('returnAll', i, false) as boolean;
	const limit = returnAll ? Infinity : (fn.getNodeParameter('limit', i, 50) as number);
	const filter = { combinator: 'and' as const, conditions: conditionsFromFilters(collectionValue(fn, 'filters', i, entriesOf(description, 'filters'))) };
	const leads: IDataObject[] = [];
	let after: number | undefined;
	do {
		const page = await ops.findLeads({ filter, after, limit: Math.min(500, limit - leads.length) });
		leads.push(...page.items.map(toJson));
		after = page.nextCursor ?? undefined;
	} while (after !== undefined && leads.length < limit);
	return leads;
}
