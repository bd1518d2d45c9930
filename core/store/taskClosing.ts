/**
 * Closing tasks (done, canceled, skipped) and the runs that wait for them. A run waits in n8n
 * (Create Lead Task's "Wait for Completion"); the store only records which run holds which
 * task and the signed address that resumes it. Whoever closes a task is handed the addresses
 * to call once the transaction has committed; the waiting node then reads the store and
 * decides whether its run goes on. Closing is internal work, like creating: it never touches
 * the lead's last activity (a logged call does, as the activity it is).
 */
import { conflict, invalid } from '../errors';
import type { CallOutcome, Lead, Task, TaskCloseVia, TaskStatus, WriteContext } from '../model';
import { describe } from '../validation';
import { appendEvent } from './events';
import { lockLead } from './leads';
import { resolveMember } from './members';
import { toTask, type Row } from './rows';
import { getTask, taskSelect } from './tasks';
import type { Tx } from './Tx';

export type CloseStatus = Exclude<TaskStatus, 'open'>;

export interface CloseOptions {
	/** The member who closed it (a holder, usually); absent: not known. */
	by?: unknown;
	via?: TaskCloseVia;
	activityId?: number;
}

export interface ClosedTask {
	task: Task;
	lead: Lead;
	/** False when the task was already closed this way: nothing was written (closing is idempotent). */
	changed: boolean;
	/** The address that resumes the run waiting for it, if one may still be waiting. */
	resumeUrl: string | null;
}

const EVENT = { done: 'task.completed', canceled: 'task.canceled', skipped: 'task.skipped' } as const;
const VERB = { done: 'completed', canceled: 'canceled', skipped: 'skipped' } as const;

/**
 * Closes a task. Its lead is locked first, so two closers of one task take turns: the first
 * closes it (for every holder of a pool task), the second finds it closed. Closing it again the
 * same way changes nothing; closing a canceled task as done (or any other change of an ended
 * task) is refused, naming the task and how it ended.
 */
export async function closeTask(tx: Tx, taskId: unknown, status: CloseStatus, options: CloseOptions = {}, context: WriteContext = {}): Promise<ClosedTask> {
	const found = await getTask(tx, taskId);
	const lead = await lockLead(tx, found.leadId);
	const task = await getTask(tx, found.id);
	if (task.status === status) return { task, lead, changed: false, resumeUrl: resumeUrlOf(task) };
	if (task.status !== 'open') {
		throw conflict('task', `task ${task.id} was ${VERB[task.status]} ${task.closedAt ? `at ${new Date(task.closedAt).toISOString()} ` : ''}and cannot be ${VERB[status]}`);
	}
	const by = options.by === undefined || options.by === null || options.by === '' ? null : await resolveMember(tx, options.by, 'completedBy');
	const now = tx.now();
	await tx.s.run(
		`UPDATE tasks SET status = $2, closed_at = $3, completed_at = $4, closed_by = $5, closed_via = $6, closed_by_activity = $7 WHERE id = $1`,
		[task.id, status, now, status === 'done' ? now : null, by?.id ?? null, options.via ?? 'store', options.activityId ?? null],
	);
	const closed = await getTask(tx, task.id);
	await appendEvent(tx, EVENT[status], lead.id, { taskId: task.id, status, closedBy: by?.id ?? null, via: closed.closedVia, activityId: options.activityId ?? null }, context);
	return { task: closed, lead, changed: true, resumeUrl: resumeUrlOf(closed) };
}

/** A run may still wait for this task: it holds it and has not been let go. */
const resumeUrlOf = (task: Task) => (task.hold && task.hold.resumeUrl && task.hold.releasedAt === null ? task.hold.resumeUrl : null);

/** What a logged call does to the lead's open call tasks (seed 002). */
export const CALL_CLOSES: Record<CallOutcome, CloseStatus> = { completed: 'done', busy: 'skipped', no_answer: 'skipped', failed: 'skipped' };

/** Closes every open call task of the lead by a logged call; the lead is locked already. */
export async function closeCallTasks(tx: Tx, leadId: number, outcome: CallOutcome, activityId: number, context: WriteContext = {}): Promise<ClosedTask[]> {
	const rows = await tx.s.all<Row>(`SELECT t.id FROM tasks t WHERE t.lead_id = $1 AND t.type = 'call' AND t.status = 'open' ORDER BY t.id`, [leadId]);
	const closed: ClosedTask[] = [];
	for (const row of rows) closed.push(await closeTask(tx, Number(row.id), CALL_CLOSES[outcome], { via: 'call', activityId }, context));
	return closed;
}

/**
 * The tasks the run `executionId` waits for at `node`: the latest hold that node made in that
 * run (a node run again in a loop makes a new hold, and the old one no longer counts).
 */
export async function heldTasks(tx: Tx, executionId: string, node: string): Promise<Task[]> {
	const rows = await tx.s.all<Row>(
		`${taskSelect(tx)} WHERE t.hold_id = (SELECT x.hold_id FROM tasks x WHERE x.hold_execution = $1 AND x.hold_node = $2 ORDER BY x.id DESC LIMIT 1)
		ORDER BY t.hold_item, t.id`,
		[executionId, node],
	);
	return rows.map(toTask);
}

/** Marks a hold as over (its run went on), so later closings call no address for it. */
export async function releaseHold(tx: Tx, holdId: string): Promise<void> {
	await tx.s.run('UPDATE tasks SET hold_released_at = $2 WHERE hold_id = $1 AND hold_released_at IS NULL', [holdId, tx.now()]);
}

/** Who closed it when a completion link was used: the one member holding it, if only one does. */
export function soleHolder(task: Task): number | null {
	return task.assigneeId ?? (task.holderIds.length === 1 ? task.holderIds[0] : null);
}

export interface TaskQuery {
	/** A member (id or email): tasks assigned to them or held by them through a pool. "none": unassigned. */
	assignee?: unknown;
	status?: TaskStatus;
	leadId?: unknown;
	/** Due at or after / before (epoch ms). */
	dueFrom?: number;
	dueTo?: number;
	after?: number;
	limit?: number;
}

/** Tasks across leads, by id (keyset pages), filtered in SQL. */
export async function findTasks(tx: Tx, query: TaskQuery = {}): Promise<{ items: Task[]; nextCursor: number | null }> {
	const where: string[] = [];
	const params: unknown[] = [];
	const add = (sql: string, value: unknown) => {
		params.push(value);
		where.push(sql.replaceAll('?', `$${params.length}`));
	};
	if (query.assignee === 'none') where.push('t.assignee_id IS NULL AND NOT EXISTS (SELECT 1 FROM task_holders h WHERE h.task_id = t.id)');
	else if (query.assignee !== undefined && query.assignee !== null && query.assignee !== '') {
		const member = await resolveMember(tx, query.assignee, 'assignee');
		add('(t.assignee_id = ? OR EXISTS (SELECT 1 FROM task_holders h WHERE h.task_id = t.id AND h.member_id = ?))', member.id);
	}
	if (query.status) add('t.status = ?', query.status);
	if (query.leadId !== undefined && query.leadId !== null && query.leadId !== '') {
		const id = Number(query.leadId);
		if (!Number.isSafeInteger(id) || id <= 0) throw invalid('lead', `lead must be a lead id; got ${describe(query.leadId)}`);
		add('t.lead_id = ?', id);
	}
	if (query.dueFrom !== undefined && query.dueTo !== undefined && query.dueTo < query.dueFrom) {
		throw invalid('dueBefore', `dueBefore (${new Date(query.dueTo).toISOString()}) precedes dueAfter (${new Date(query.dueFrom).toISOString()})`);
	}
	if (query.dueFrom !== undefined) add('t.due_at >= ?', query.dueFrom);
	if (query.dueTo !== undefined) add('t.due_at <= ?', query.dueTo);
	if (query.after !== undefined) add('t.id > ?', query.after);
	const limit = Math.max(1, Math.min(query.limit ?? 100, 1000));
	const rows = await tx.s.all<Row>(`${taskSelect(tx)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY t.id LIMIT ${limit + 1}`, params);
	const items = rows.slice(0, limit).map(toTask);
	return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
}
