/**
 * The waiting run's webhook (restartWebhook: n8n routes it to this node of this execution
 * while the run waits here). Two callers: a person opening a task's completion link (GET: the
 * task is completed, then a page), and whoever closed a task elsewhere (POST, after their
 * commit: the Lead node, a logged call). Either way the run goes on only when every task this
 * node holds is closed; otherwise it keeps waiting. Nothing here may throw: n8n would end the
 * waiting run with the error.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { soleHolder, type Task } from '../../core';
import { describeItemError } from '../shared/errors';
import { leaseStore } from '../shared/storeFromCredential';
import { membersById, outcomeOf, taskOutput } from '../shared/tasks/output';
import { page } from './pages';

interface Verdict {
	resume: boolean;
	title: string;
	text: string;
	items?: Array<{ json: IDataObject; item: number }>;
}

const DONE_TEXT: Record<Task['status'], string> = {
	open: 'This task is still open.',
	done: 'This task was completed already. Nothing more to do.',
	canceled: 'This task was canceled, so there is nothing to complete.',
	skipped: 'This task was skipped, so there is nothing to complete.',
};

export async function taskWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject();
	const res = this.getResponseObject();
	const byLink = req.method === 'GET';
	let verdict: Verdict;
	let status = 200;
	try {
		verdict = await decide(this, byLink);
	} catch (error) {
		status = 400;
		verdict = { resume: false, title: 'This link cannot be used', text: describeItemError(error, 0).message.replace(/^Item 0(, field "[^"]*")?: /, '') };
	}
	if (byLink) res.status(status).type('html').send(page(verdict.title, verdict.text));
	else res.status(status).json({ resumed: verdict.resume, message: verdict.text });
	return verdict.resume ? { noWebhookResponse: true, workflowData: [verdict.items!.map(({ json, item }) => ({ json, pairedItem: { item } }))] } : { noWebhookResponse: true };
}

async function decide(fn: IWebhookFunctions, byLink: boolean): Promise<Verdict> {
	const taskId = String((fn.getQueryData() as IDataObject).task ?? '');
	const executionId = fn.getExecutionId();
	const node = fn.getNode().name;
	const lease = await leaseStore(await fn.getCredentials('leadStoreApi'));
	try {
		return await lease.store.transaction(async (ops) => {
			const task = await ops.getTask(taskId);
			let title = 'Task completed';
			let text = 'Thank you. The workflow goes on.';
			if (byLink) {
				if (task.status === 'open') {
					await ops.closeTask(task.id, 'done', { by: soleHolder(task) ?? undefined, via: 'link' }, { actor: { kind: 'person', name: 'completion link' } });
				} else {
					title = task.status === 'done' ? 'Already completed' : `Task ${outcomeOf(task)}`;
					text = DONE_TEXT[task.status];
				}
			}
			const held = await ops.heldTasks(executionId, node);
			if (!held.some((t) => t.id === task.id)) {
				return { resume: false, title, text: byLink ? text : 'the run no longer waits for this task' };
			}
			const open = held.filter((t) => t.status === 'open');
			if (open.length > 0) {
				return { resume: false, title, text: byLink && task.status === 'open' ? 'Thank you. The workflow waits for its other tasks too.' : `the run still waits for task ${open.map((t) => t.id).join(', ')}` };
			}
			await ops.releaseHold(held[0].hold!.id);
			const members = await membersById(ops);
			const items: Verdict['items'] = [];
			for (const t of held) items.push({ json: taskOutput(await ops.getTask(t.id), await ops.getLead(t.leadId), members), item: t.hold!.item });
			return { resume: true, title, text: byLink ? text : 'the run goes on', items };
		});
	} finally {
		lease.release();
	}
}
