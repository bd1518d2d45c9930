import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps } from '../../../../core';
import { leadLocator } from '../../../shared/descriptions';
import { collectionValue, optionsFrom } from '../../../shared/options';
import { statusKindOptions } from '../../../shared/opportunities/descriptions';
import { toJson } from '../../../shared/output';

const show = { resource: ['opportunity'], operation: ['getMany'] };

const filterOptions: INodeProperties[] = [
	{ ...leadLocator({ required: false, default: { mode: 'id', value: '' }, description: 'Only the opportunities of this lead' }) },
	{ displayName: 'Owner', name: 'owner', type: 'string', default: '', placeholder: 'Member ID or email; "none" for no owner' },
	{ displayName: 'Status Kind', name: 'statusKind', type: 'options', options: optionsFrom(['any', ...statusKindOptions.map((o) => o.value)], { any: 'Any', active: 'Active', won: 'Won', lost: 'Lost' }), default: 'any' },
	{
		displayName: 'Status Names or IDs',
		name: 'statuses',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getOpportunityStatuses' },
		default: [],
		description: 'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
	},
];

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
	{ displayName: 'Filters', name: 'opportunityFilters', type: 'collection', placeholder: 'Add Filter', default: {}, displayOptions: { show }, options: filterOptions },
];

/** Reads only: runs on a snapshot that never waits for the store's writers. */
export const access = 'read';

const locator = (v: unknown) => String(v && typeof v === 'object' ? ((v as IDataObject).value ?? '') : (v ?? '')).trim();

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number) {
	const filters = collectionValue(fn, 'opportunityFilters', i, filterOptions);
	const returnAll = fn.getNodeParameter('returnAll', i, false) as boolean;
	const limit = returnAll ? Infinity : (fn.getNodeParameter('limit', i, 50) as number);
	const statusKind = filters.statusKind === undefined || filters.statusKind === 'any' ? undefined : (filters.statusKind as 'active' | 'won' | 'lost');
	const query = { leadId: locator(filters.lead) || undefined, owner: filters.owner, statuses: filters.statuses as string[] | undefined, statusKind };
	const out: IDataObject[] = [];
	let after: number | undefined;
	do {
		const page = await ops.findOpportunities({ ...query, after, limit: Math.min(500, limit - out.length) });
		out.push(...page.items.map(toJson));
		after = page.nextCursor ?? undefined;
	} while (after !== undefined && out.length < limit);
	return out;
}
