/**
 * A task as the nodes hand it on: the task, what a waiting run learns (`outcome`), who closed
 * it and when, its lead (so the next step finds `$json.lead.id`), its holders and its
 * completion link (the signed address of the run waiting for it).
 */
import type { IDataObject } from 'n8n-workflow';
import type { Lead, LeadOps, Member, Task, TaskOutcome } from '../../../core';
import { toJson } from '../output';

const OUTCOME: Record<Exclude<Task['status'], 'open'>, TaskOutcome> = { done: 'completed', canceled: 'canceled', skipped: 'skipped' };

/** `open` while nobody has closed it (a run that does not wait); `expired` when a run's limit passed first. */
export const outcomeOf = (task: Task): TaskOutcome | 'open' => (task.status === 'open' ? 'open' : OUTCOME[task.status]);

const person = (m: Member | undefined) => (m ? { id: m.id, name: m.name, email: m.email } : null);

export interface TaskOutputExtras {
	assignee?: Member | null;
	holders?: Member[];
	reason?: string;
	outcome?: TaskOutcome | 'open';
}

/** The item for one task; `members` resolves ids to people (all of the team, read once). */
export function taskOutput(task: Task, lead: Lead, members: ReadonlyMap<number, Member>, extras: TaskOutputExtras = {}): IDataObject {
	const holders = extras.holders ?? task.holderIds.map((id) => members.get(id)).filter((m): m is Member => Boolean(m));
	const assignee = extras.assignee !== undefined ? extras.assignee : task.assigneeId ? members.get(task.assigneeId) ?? null : null;
	const { hold, ...rest } = task;
	return {
		...toJson(rest),
		outcome: extras.outcome ?? outcomeOf(task),
		completedBy: task.closedBy ? person(members.get(task.closedBy)) : null,
		completedAt: task.closedAt ? new Date(task.closedAt).toISOString() : null,
		assignee: assignee ? toJson(assignee) : null,
		holders: holders.map((m) => person(m)),
		unassigned: holders.length === 0,
		...(extras.reason ? { reason: extras.reason } : {}),
		completionUrl: hold?.resumeUrl ?? null,
		waiting: hold
			? { node: hold.node, executionId: hold.executionId, until: hold.until ? new Date(hold.until).toISOString() : null, released: hold.releasedAt !== null }
			: null,
		lead: toJson(lead),
	};
}

/** The team by id, for taskOutput. */
export async function membersById(ops: LeadOps): Promise<Map<number, Member>> {
	return new Map((await ops.listMembers()).map((m) => [m.id, m]));
}
