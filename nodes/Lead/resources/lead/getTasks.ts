import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps, Task } from '../../../../core';
import { leadLocator } from '../../../shared/descriptions';
import { toJson } from '../../../shared/output';
import { optionsFrom, optionValue } from '../../../shared/options';
import { locatorValue } from '../../../shared/parameters';

const show = { resource: ['lead'], operation: ['getTasks'] };

/** A task's status (the core's Task['status']), or any. */
const statusOptions = optionsFrom(['any', 'open', 'done', 'canceled'] satisfies Array<Task['status'] | 'any'>, {
	any: 'Any',
	open: 'Open',
	done: 'Done',
	canceled: 'Canceled',
});

export const description: INodeProperties[] = [
	leadLocator({ displayOptions: { show } }),
	{
		displayName: 'Status',
		name: 'taskStatus',
		type: 'options',
		options: statusOptions,
		default: 'any',
		displayOptions: { show },
	},
];

/** One item per task: open ones first by due date (undated last), then the rest. */
/** Reads only: runs on a snapshot that never waits for the store's writers. */
export const access = 'read';

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number) {
	const status = optionValue(fn, 'taskStatus', i, statusOptions, 'any');
	return (await ops.listTasks(locatorValue(fn, 'lead', i), status === 'any' ? {} : { status })).map(toJson);
}
