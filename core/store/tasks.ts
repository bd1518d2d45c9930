/**
 * Follow-up tasks on a lead. Like notes they are internal work, not contact with the lead, so
 * they do not touch last_activity_at or the inactivity episode.
 */
import { conflict, invalid, notFound } from '../errors';
import type { Lead, Member, MemberRef, Task, WriteContext } from '../model';
import { computeDueAt, type DueInput } from '../tasks/dueDate';
import { describe, LIMITS, priority, requiredText, taskType } from '../validation';
import { appendEvent } from './events';
import { getLead, lockLead } from './leads';
import { resolveMember } from './members';
import { bool, toTask, type Row } from './rows';
import type { Tx } from './Tx';

export type TaskAssignee = { kind: 'member'; member: MemberRef | unknown } | { kind: 'owner' } | { kind: 'none' };

export interface TaskInput {
	type: unknown;
	description: unknown;
	/** Absent or null: no due date. */
	due?: DueInput | null;
	/** Reads local dates and counts calendar days here unless `due.timezone` says otherwise. */
	timezone?: string;
	assignee?: TaskAssignee;
	priority?: unknown;
	required?: unknown;
}

export interface CreatedTask {
	task: Task;
	lead: Lead;
	assignee: Member | null;
	/** Why the task has no assignee when one was asked for (the lead has no owner). */
	reason?: string;
}

export async function createTask(tx: Tx, leadId: unknown, input: TaskInput, context: WriteContext = {}): Promise<CreatedTask> {
	const type = taskType('type', input.type);
	const description = requiredText('description', input.description, LIMITS.taskDescription);
	// One "now" for the due date and the creation time, so "immediately" means due as created.
	const now = tx.now();
	const dueAt = input.due === undefined || input.due === null ? null : computeDueAt(input.due, now, input.timezone || undefined);
	const prio = priority('priority', input.priority) ?? 'normal';
	const required = input.required === undefined || input.required === null || input.required === '' ? true : bool(input.required) || input.required === 'true';
	const lead = await lockLead(tx, leadId);
	const { assignee, reason } = await resolveAssignee(tx, lead, input.assignee);

	const row = await tx.s.get<Row>(
		`INSERT INTO tasks (lead_id, type, description, due_at, assignee_id, priority, required, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8) RETURNING *`,
		[lead.id, type, description, dueAt, assignee?.id ?? null, prio, required, now],
	);
	const task = toTask(row!);
	await appendEvent(
		tx,
		'task.created',
		lead.id,
		{ taskId: task.id, type, dueAt, assigneeId: task.assigneeId, priority: prio, required },
		context,
	);
	return reason ? { task, lead, assignee, reason } : { task, lead, assignee };
}

async function resolveAssignee(tx: Tx, lead: Lead, assignee: TaskAssignee | undefined): Promise<{ assignee: Member | null; reason?: string }> {
	const kind = assignee?.kind ?? 'none';
	if (kind === 'none') return { assignee: null };
	if (kind === 'owner') {
		if (!lead.owner) return { assignee: null, reason: `lead ${lead.id} has no owner, so the task has no assignee` };
		return { assignee: await resolveMember(tx, lead.owner.id, 'assignee') };
	}
	if (kind === 'member') {
		const member = await resolveMember(tx, (assignee as { member?: unknown }).member, 'assignee');
		if (!member.active) throw conflict('assignee', `assignee: team member ${member.name} is inactive`);
		return { assignee: member };
	}
	throw invalid('assignee', `assignee must be a member, the lead's owner, or nobody; got ${describe(kind)}`);
}

export async function listTasks(tx: Tx, leadId: unknown, options: { status?: Task['status'] } = {}): Promise<Task[]> {
	const lead = await getLead(tx, leadId);
	const params: unknown[] = [lead.id];
	if (options.status) params.push(options.status);
	// Open work by due date (undated last), then the rest.
	const rows = await tx.s.all<Row>(
		`SELECT * FROM tasks WHERE lead_id = $1 ${options.status ? 'AND status = $2' : ''}
		ORDER BY CASE WHEN status = 'open' THEN 0 ELSE 1 END, CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at, id`,
		params,
	);
	return rows.map(toTask);
}

export async function getTask(tx: Tx, taskId: unknown, field = 'task'): Promise<Task> {
	const id = typeof taskId === 'string' && /^\s*\d+\s*$/.test(taskId) ? Number(taskId) : taskId;
	if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
		throw invalid(field, `${field} must be a task id (a whole number); got ${describe(taskId)}`);
	}
	const row = await tx.s.get<Row>('SELECT * FROM tasks WHERE id = $1', [id]);
	if (!row) throw notFound(field, `${field}: no task with id ${describe(taskId)}`);
	return toTask(row);
}

/** Marks a task done. Completing a done task again changes nothing (its first completion stands). */
export async function completeTask(tx: Tx, taskId: unknown): Promise<Task> {
	const task = await getTask(tx, taskId);
	if (task.status === 'done') return task;
	await tx.s.run(`UPDATE tasks SET status = 'done', completed_at = $2 WHERE id = $1`, [task.id, tx.now()]);
	return getTask(tx, task.id);
}
