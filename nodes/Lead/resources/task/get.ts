import type { IExecuteFunctions } from 'n8n-workflow';
import type { LeadOps } from '../../../../core';
import { membersById, taskOutput } from '../../../shared/tasks/output';
import { taskIdProperty } from './close';

export const description = [taskIdProperty('get')];

/** Reads only: runs on a snapshot that never waits for the store's writers. */
export const access = 'read';

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number) {
	const task = await ops.getTask(fn.getNodeParameter('taskId', i, ''));
	return taskOutput(task, await ops.getLead(task.leadId), await membersById(ops));
}
