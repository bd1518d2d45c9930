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
import { findPool } from './pools';
import { AGAIN_REASON, earlierWrite, recordWrite } from './stepWrites';
import { closeTask } from './taskClosing';
import { bool, toTask, type Row } from './rows';
import type { Tx } from './Tx';

export type TaskAssignee =
	| { kind: 'member'; member: MemberRef | unknown }
	| { kind: 'owner' }
	| { kind: 'none' }
	/** Every eligible member of the named pool holds it; the first to close it closes it for all. */
	| { kind: 'pool'; pool: unknown }
	/** The member a lead field names (a custom field key, or `owner`): id or email. */
	| { kind: 'field'; field: unknown };

/** The run that waits for the task (Create Lead Task's "Wait for Completion"). */
export interface TaskHoldInput {
	id: string;
	executionId: string;
	node: string;
	item: number;
	until: number | null;
	/** The signed address that resumes the run for this task (it names the task's id). */
	resumeUrlFor?: (taskId: number) => string;
}

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
	hold?: TaskHoldInput;
}

export interface CreatedTask {
	task: Task;
	lead: Lead;
	assignee: Member | null;
	/** Who holds it: the assignee, or every eligible member of a pool. */
	holders: Member[];
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
	const hold = input.hold;
	const earlier = await earlierWrite(tx, 'task', context.sourceKey, async (id) => Boolean(await tx.s.get('SELECT 1 AS x FROM tasks WHERE id = $1', [id])));
	if (earlier !== undefined) return createdBefore(tx, earlier, lead, hold);
	const { assignee, holders, poolId, reason } = await resolveAssignee(tx, lead, input.assignee);

	const row = await tx.s.get<Row>(
		`INSERT INTO tasks (lead_id, type, description, due_at, assignee_id, priority, required, status, created_at,
			pool_id, hold_id, hold_execution, hold_node, hold_item, hold_until)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		[lead.id, type, description, dueAt, assignee?.id ?? null, prio, required, now, poolId, hold?.id ?? null, hold?.executionId ?? null, hold?.node ?? null, hold?.item ?? null, hold?.until ?? null],
	);
	const taskId = Number(row!.id);
	for (const holder of holders) await tx.s.run('INSERT INTO task_holders (task_id, member_id) VALUES ($1, $2)', [taskId, holder.id]);
	if (hold?.resumeUrlFor) await tx.s.run('UPDATE tasks SET resume_url = $2 WHERE id = $1', [taskId, hold.resumeUrlFor(taskId)]);
	await recordWrite(tx, 'task', context.sourceKey, taskId);
	const task = await getTask(tx, taskId);
	await appendEvent(
		tx,
		'task.created',
		lead.id,
		{ taskId: task.id, type, dueAt, assigneeId: task.assigneeId, poolId, holderIds: task.holderIds, priority: prio, required, held: Boolean(hold) },
		context,
	);
	return reason ? { task, lead, assignee, holders, reason } : { task, lead, assignee, holders };
}

/**
 * The task this step's cause created before. An open one is now held by this run (the earlier
 * run is gone, or it would not run again), so closing it resumes this one.
 */
async function createdBefore(tx: Tx, taskId: number, lead: Lead, hold: TaskHoldInput | undefined): Promise<CreatedTask> {
	let task = await getTask(tx, taskId);
	if (hold && task.status === 'open') {
		await tx.s.run(
			`UPDATE tasks SET hold_id = $2, hold_execution = $3, hold_node = $4, hold_item = $5, hold_until = $6, hold_released_at = NULL, resume_url = $7
			WHERE id = $1`,
			[taskId, hold.id, hold.executionId, hold.node, hold.item, hold.until, hold.resumeUrlFor?.(taskId) ?? null],
		);
		task = await getTask(tx, taskId);
	}
	const assignee = task.assigneeId ? await resolveMember(tx, task.assigneeId) : null;
	const holders: Member[] = [];
	for (const id of task.holderIds) holders.push(await resolveMember(tx, id));
	return { task, lead, assignee, holders, reason: AGAIN_REASON };
}

interface ResolvedAssignee {
	assignee: Member | null;
	holders: Member[];
	poolId: number | null;
	reason?: string;
}

const unassigned = (reason?: string): ResolvedAssignee => ({ assignee: null, holders: [], poolId: null, ...(reason ? { reason } : {}) });
const one = (member: Member): ResolvedAssignee => ({ assignee: member, holders: [member], poolId: null });

async function resolveAssignee(tx: Tx, lead: Lead, assignee: TaskAssignee | undefined): Promise<ResolvedAssignee> {
	const kind = assignee?.kind ?? 'none';
	if (kind === 'none') return unassigned();
	if (kind === 'owner') {
		if (!lead.owner) return unassigned(`lead ${lead.id} has no owner, so the task has no assignee`);
		return one(await resolveMember(tx, lead.owner.id, 'assignee'));
	}
	if (kind === 'member') {
		const member = await resolveMember(tx, (assignee as { member?: unknown }).member, 'assignee');
		if (!member.active) throw conflict('assignee', `assignee: team member ${member.name} is inactive`);
		return one(member);
	}
	if (kind === 'pool') {
		const { row, members } = await findPool(tx, (assignee as { pool?: unknown }).pool, 'pool');
		const holders = members.filter((m) => m.eligible).map((m) => m.member);
		if (holders.length === 0) return { ...unassigned(`pool "${String(row.name)}" has no active member, so nobody holds the task`), poolId: Number(row.id) };
		return { assignee: null, holders, poolId: Number(row.id) };
	}
	if (kind === 'field') return memberInField(tx, lead, (assignee as { field?: unknown }).field);
	throw invalid('assignee', `assignee must be a member, the lead's owner, a pool, a lead field, or nobody; got ${describe(kind)}`);
}

/** Seed 002's "Assigned User in a Custom Field": the member a lead field names, if any. */
async function memberInField(tx: Tx, lead: Lead, field: unknown): Promise<ResolvedAssignee> {
	const key = typeof field === 'string' ? field.trim() : '';
	if (!key) throw invalid('assigneeField', `assigneeField: name the lead field that holds the member; got ${describe(field)}`);
	const value = key === 'owner' ? lead.owner?.id : (lead.custom ?? {})[key];
	if (value === undefined || value === null || value === '') return unassigned(`lead ${lead.id} has nothing in field "${key}", so the task has no assignee`);
	const member = await resolveMember(tx, value, 'assigneeField').catch(() => null);
	if (!member) return unassigned(`lead ${lead.id}'s field "${key}" names ${describe(value)}, who is not a team member, so the task has no assignee`);
	if (!member.active) return unassigned(`lead ${lead.id}'s field "${key}" names ${member.name}, who is inactive, so the task has no assignee`);
	return one(member);
}

/** Every task column plus its holders (toTask reads holder_ids). */
export const taskSelect = (tx: Tx) =>
	`SELECT t.*, (SELECT ${tx.s.dialect === 'postgres' ? "string_agg(h.member_id::text, ',')" : 'group_concat(h.member_id)'} FROM task_holders h WHERE h.task_id = t.id) AS holder_ids FROM tasks t`;

export async function listTasks(tx: Tx, leadId: unknown, options: { status?: Task['status'] } = {}): Promise<Task[]> {
	const lead = await getLead(tx, leadId);
	const params: unknown[] = [lead.id];
	if (options.status) params.push(options.status);
	// Open work by due date (undated last), then the rest.
	const rows = await tx.s.all<Row>(
		`${taskSelect(tx)} WHERE t.lead_id = $1 ${options.status ? 'AND t.status = $2' : ''}
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
	const row = await tx.s.get<Row>(`${taskSelect(tx)} WHERE t.id = $1`, [id]);
	if (!row) throw notFound(field, `${field}: no task with id ${describe(taskId)}`);
	return toTask(row);
}

/** Marks a task done. Completing a done task again changes nothing (its first completion stands). */
export async function completeTask(tx: Tx, taskId: unknown): Promise<Task> {
	return (await closeTask(tx, taskId, 'done')).task;
}
