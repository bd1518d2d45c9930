/** Complete, cancel and skip share one shape: a task id, who did it, then the run waiting for it is woken. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { CloseStatus, LeadOps, WriteContext } from '../../../../core';
import { memberLocator } from '../../../shared/descriptions';
import { locatorValue } from '../../../shared/parameters';
import { membersById, taskOutput } from '../../../shared/tasks/output';
import { resumeAfterCommit } from '../../../shared/tasks/resume';

export const taskIdProperty = (operation: string): INodeProperties => ({
	displayName: 'Task ID',
	name: 'taskId',
	type: 'string',
	required: true,
	default: '={{ $json.taskId ?? $json.id }}',
	displayOptions: { show: { resource: ['task'], operation: [operation] } },
	description: 'The task to act on (a Create Lead Task output carries it as ID)',
});

export function closeOperation(operation: string, status: CloseStatus, byLabel: string) {
	const description: INodeProperties[] = [
		taskIdProperty(operation),
		memberLocator({
			displayName: byLabel,
			name: 'closedBy',
			required: false,
			default: { mode: 'id', value: '' },
			displayOptions: { show: { resource: ['task'], operation: [operation] } },
			description: 'The team member who did it (optional; shown to the waiting run as completedBy)',
		}),
	];
	async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number, context: WriteContext) {
		const { task, lead, changed, resumeUrl } = await ops.closeTask(fn.getNodeParameter('taskId', i, ''), status, { by: locatorValue(fn, 'closedBy', i) || undefined, via: 'store' }, context);
		// Also when it was closed already: the run may have missed the first wake-up.
		resumeAfterCommit(fn, i, resumeUrl);
		return { ...taskOutput(task, lead, await membersById(ops)), changed };
	}
	return { description, execute };
}
