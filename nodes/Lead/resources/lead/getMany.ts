import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { FilterCondition, LeadOps } from '../../../../core';
import { toJson } from '../../../shared/output';
import { priorityOptions } from './fields';

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
		options: [
			{ displayName: 'Created After', name: 'createdAfter', type: 'dateTime', default: '' },
			{ displayName: 'Created Before', name: 'createdBefore', type: 'dateTime', default: '' },
			{ displayName: 'Gender', name: 'gender', type: 'string', default: '' },
			{ displayName: 'Last Activity After', name: 'lastActivityAfter', type: 'dateTime', default: '' },
			{ displayName: 'Last Activity Before', name: 'lastActivityBefore', type: 'dateTime', default: '' },
			{ displayName: 'Owner', name: 'owner', type: 'string', default: '', placeholder: 'Member ID or email; "none" for unassigned leads' },
			{ displayName: 'Priority', name: 'priority', type: 'options', options: priorityOptions, default: 'normal' },
			{ displayName: 'Source', name: 'source', type: 'string', default: '' },
			{
				displayName: 'Stage Names or IDs',
				name: 'stages',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getStages' },
				default: [],
				description: 'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
			},
			{ displayName: 'Type', name: 'type', type: 'string', default: '' },
		],
	},
];

/** The simple filters become one AND group of audience-filter conditions. */
export function conditionsFrom(filters: IDataObject): FilterCondition[] {
	const c: FilterCondition[] = [];
	const stages = filters.stages as string[] | string | undefined;
	if (stages !== undefined && stages !== '' && !(Array.isArray(stages) && stages.length === 0)) c.push({ field: 'stage', operator: 'is_one_of', value: stages });
	for (const field of ['source', 'type', 'priority', 'gender'] as const) {
		if (filters[field] !== undefined && filters[field] !== '') c.push({ field, operator: 'equals', value: filters[field] });
	}
	if (filters.owner !== undefined && filters.owner !== '') {
		const none = String(filters.owner).trim().toLowerCase() === 'none';
		c.push(none ? { field: 'owner', operator: 'is_empty' } : { field: 'owner', operator: 'equals', value: filters.owner });
	}
	const ranges = [
		['createdAfter', 'createdAt', 'after'],
		['createdBefore', 'createdAt', 'before'],
		['lastActivityAfter', 'lastActivityAt', 'after'],
		['lastActivityBefore', 'lastActivityAt', 'before'],
	] as const;
	for (const [key, field, operator] of ranges) {
		if (filters[key]) c.push({ field, operator, value: filters[key] });
	}
	return c;
}

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number) {
	const returnAll = fn.getNodeParameter('returnAll', i, false) as boolean;
	const limit = returnAll ? Infinity : (fn.getNodeParameter('limit', i, 50) as number);
	const filter = { combinator: 'and' as const, conditions: conditionsFrom(fn.getNodeParameter('filters', i, {}) as IDataObject) };
	const leads: IDataObject[] = [];
	let after: number | undefined;
	do {
		const page = await ops.findLeads({ filter, after, limit: Math.min(500, limit - leads.length) });
		leads.push(...page.items.map(toJson));
		after = page.nextCursor ?? undefined;
	} while (after !== undefined && leads.length < limit);
	return leads;
}
