import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { optionalTime, TASK_STATUSES, type LeadOps } from '../../../../core';
import { collectionValue, optionsFrom } from '../../../shared/options';
import { membersById, taskOutput } from '../../../shared/tasks/output';

const show = { resource: ['task'], operation: ['getMany'] };

const statusOptions = optionsFrom(['any', ...TASK_STATUSES], { any: 'Any', open: 'Open', done: 'Done', canceled: 'Canceled', skipped: 'Skipped' });

const filterOptions: INodeProperties[] = [
	{ displayName: 'Assignee', name: 'assignee', type: 'string', default: '', placeholder: 'Member ID or email; "none" for unassigned', description: 'Tasks assigned to this member, or held by them through a pool' },
	{ displayName: 'Status', name: 'status', type: 'options', options: statusOptions, default: 'open' },
	{ displayName: 'Due After', name: 'dueAfter', type: 'dateTime', default: '', description: 'Due at or after this time' },
	{ displayName: 'Due Before', name: 'dueBefore', type: 'dateTime', default: '', description: 'Due at or before this time' },
	{ displayName: 'Lead ID', name: 'leadId', type: 'string', default: '' },
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
	{ displayName: 'Filters', name: 'taskFilters', type: 'collection', placeholder: 'Add Filter', default: {}, displayOptions: { show }, options: filterOptions },
];

/** Reads only: runs on a snapshot that never waits for the store's writers. */
export const access = 'read';

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number) {
	const filters = collectionValue(fn, 'taskFilters', i, filterOptions);
	const returnAll = fn.getNodeParameter('returnAll', i, false) as boolean;
	const limit = returnAll ? Infinity : (fn.getNodeParameter('limit', i, 50) as number);
	const status = filters.status === undefined || filters.status === 'any' ? undefined : (filters.status as (typeof TASK_STATUSES)[number]);
	const query = {
		assignee: typeof filters.assignee === 'string' ? filters.assignee.trim() || undefined : filters.assignee,
		status,
		leadId: filters.leadId,
		dueFrom: optionalTime('dueAfter', filters.dueAfter) ?? undefined,
		dueTo: optionalTime('dueBefore', filters.dueBefore) ?? undefined,
	};
	const members = await membersById(ops);
	const leads = new Map<number, Awaited<ReturnType<LeadOps['getLead']>>>();
	const out: IDataObject[] = [];
	let after: number | undefined;
	do {
		const page = await ops.findTasks({ ...query, after, limit: Math.min(500, limit - out.length) });
		for (const task of page.items) {
			if (!leads.has(task.leadId)) leads.set(task.leadId, await ops.getLead(task.leadId));
			out.push(taskOutput(task, leads.get(task.leadId)!, members));
		}
		after = page.nextCursor ?? undefined;
	} while (after !== undefined && out.length < limit);
	return out;
}
