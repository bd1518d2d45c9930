/** Leads: create, read, list, update, delete; activities; stage changes. */
import { conflict, invalid, notFound } from '../errors';
import { compileFilter, resolveFilter, type FilterGroup } from '../filters/audienceFilter';
import { CONTACT_LEAD_FIELDS, CONTACT_RULE, WRITABLE_LEAD_FIELDS, type LeadFieldEntry } from '../fields/leadFields';
import { CALL_OUTCOMES, type Activity, type CustomFields, type Lead, type LeadFields, type Page, type Stage, type WriteContext } from '../model';
import {
	activityKind,
	customFields,
	describe,
	direction,
	LIMITS,
	optionalEmail,
	optionalOneOf,
	optionalText,
	optionalTime,
	priority,
} from '../validation';
import { appendEvent, eventStatement } from './events';
import type { Statement } from '../sql/SqlDriver';
import { resolveMember } from './members';
import { LEAD_LOCK_SELECT, LEAD_SELECT, toActivity, toLead, type Row } from './rows';
import { defaultStage, resolveStage } from './stages';
import { closeCallTasks, type ClosedTask } from './taskClosing';
import type { Tx } from './Tx';

/** How deep a trigger → action → trigger chain may go before the store refuses it. */
export const MAX_CAUSATION_DEPTH = 5;
/** Workflow-made stage changes of one lead allowed within STAGE_CHURN_WINDOW_MS. */
export const MAX_STAGE_CHANGES_PER_WINDOW = 10;
export const STAGE_CHURN_WINDOW_MS = 60_000;

export function parseLeadId(value: unknown, field = 'lead'): number {
	const id = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
	if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
		throw invalid(field, `${field} must be a lead id (a whole number); got ${describe(value)}`);
	}
	return id;
}

export async function findLead(tx: Tx, id: unknown): Promise<Lead | null> {
	const row = await tx.s.get<Row>(`${LEAD_SELECT} WHERE l.id = $1`, [parseLeadId(id)]);
	return row ? toLead(row) : null;
}

export async function getLead(tx: Tx, id: unknown, field = 'lead'): Promise<Lead> {
	const leadId = parseLeadId(id, field);
	const lead = await findLead(tx, leadId);
	if (!lead) throw notFound(field, `${field}: no lead with id ${leadId}`);
	return lead;
}

/**
 * Reads the lead for a write and, on PostgreSQL, locks its row until commit: writes to one lead
 * run one after another, in order, while writes to other leads go on in parallel. Every write
 * operation on a lead starts here (before any pool), so two single-lead writers never deadlock.
 */
export async function lockLead(tx: Tx, id: unknown, field = 'lead'): Promise<Lead> {
	return toLead(await lockLeadRow(tx, id, field));
}

/** lockLead's row; `extra` adds columns (subqueries on `l`) to the same statement. */
async function lockLeadRow(tx: Tx, id: unknown, field: string, extra = '', params: unknown[] = []): Promise<Row> {
	const leadId = parseLeadId(id, field);
	const forUpdate = tx.s.dialect === 'postgres' ? ' FOR UPDATE OF l' : '';
	const select = extra ? LEAD_LOCK_SELECT.replace(/^SELECT /, `SELECT ${extra}, `) : LEAD_LOCK_SELECT;
	const row = await tx.s.get<Row>(`${select} WHERE l.id = $1${forUpdate}`, [leadId, ...params]);
	if (!row) throw notFound(field, `${field}: no lead with id ${leadId}`);
	return row;
}

/** A writable field's column value from what the caller gave; stages go through changeStage. */
async function columnValue(tx: Tx, f: LeadFieldEntry, value: unknown): Promise<unknown> {
	switch (f.kind) {
		case 'email':
			return optionalEmail(f.name, value);
		case 'priority':
			return priority(f.name, value);
		case 'member':
			return value === null || value === undefined || value === '' ? null : (await resolveMember(tx, value, f.name)).id;
		case 'custom':
			return customFields(f.name, value);
		default:
			return optionalText(f.name, value, f.limit!);
	}
}

/** Column values of the non-stage fields the caller gave, keyed by field name; absent means "not given". */
async function columnsFrom(tx: Tx, fields: LeadFields): Promise<Map<LeadFieldEntry, unknown>> {
	const out = new Map<LeadFieldEntry, unknown>();
	for (const f of WRITABLE_LEAD_FIELDS) {
		if (f.kind !== 'stage' && f.name in fields) out.set(f, await columnValue(tx, f, fields[f.name]));
	}
	return out;
}

/** What a column holds for an empty field (custom fields: no keys). */
const emptyColumn = (f: LeadFieldEntry) => (f.kind === 'custom' ? '{}' : null);
const toColumn = (f: LeadFieldEntry, value: unknown) => (f.kind === 'custom' ? JSON.stringify(value) : value);

export async function createLead(tx: Tx, fields: LeadFields, context: WriteContext = {}): Promise<Lead> {
	const given = await columnsFrom(tx, fields);
	const stage = isEmpty(fields.stage) ? await defaultStage(tx) : await resolveStage(tx, fields.stage);
	if (CONTACT_LEAD_FIELDS.every((f) => isEmpty(given.get(f)))) {
		throw invalid(CONTACT_LEAD_FIELDS[0].name, CONTACT_RULE);
	}
	const columns: string[] = [];
	const values: unknown[] = [];
	for (const f of WRITABLE_LEAD_FIELDS) {
		columns.push(f.column);
		values.push(f.kind === 'stage' ? stage.id : given.has(f) ? toColumn(f, given.get(f)) : emptyColumn(f));
	}
	const now = tx.now();
	values.push(now);
	const at = `$${values.length}`;
	const row = await tx.s.get<{ id: number }>(
		`INSERT INTO leads (${columns.join(', ')}, created_at, updated_at, last_activity_at, last_activity_kind, episode)
		VALUES (${values.slice(0, -1).map((_, i) => `$${i + 1}`).join(', ')}, ${at}, ${at}, ${at}, 'created', 1) RETURNING id`,
		values,
	);
	const id = Number(row!.id);
	await insertActivity(tx, id, { kind: 'created', direction: null, at: now, details: null });
	await appendEvent(tx, 'lead.created', id, { stageId: stage.id }, context);
	return getLead(tx, id);
}

export interface LeadQuery {
	filter?: FilterGroup;
	/** Keyset paging: leads with an id above this. */
	after?: number;
	limit?: number;
}

export async function findLeads(tx: Tx, query: LeadQuery = {}): Promise<Page<Lead>> {
	const limit = query.limit ?? 50;
	if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalid('limit', `limit must be 1 to 1000; got ${describe(query.limit)}`);
	const params: unknown[] = [query.after ?? 0];
	const filter = query.filter ? await resolveFilter(query.filter, filterResolver(tx)) : undefined;
	const where = filter ? compileFilter(filter, tx.s.dialect, params) : '1 = 1';
	params.push(limit + 1);
	const rows = await tx.s.all<Row>(`${LEAD_SELECT} WHERE l.id > $1 AND ${where} ORDER BY l.id LIMIT $${params.length}`, params);
	const items = rows.slice(0, limit).map(toLead);
	return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
}

export const filterResolver = (tx: Tx) => ({
	stageId: async (ref: unknown, field: string) => (await resolveStage(tx, ref, field)).id,
	memberId: async (ref: unknown, field: string) => (await resolveMember(tx, ref, field)).id,
});

const isEmpty = (v: unknown) => v === null || v === undefined || v === '';

/** A lead's field as its column holds it (a member field: the member's id). */
function currentColumn(lead: Lead, f: LeadFieldEntry): unknown {
	const value = lead[f.name];
	return f.kind === 'member' ? ((value as Lead['owner'])?.id ?? null) : value;
}

/**
 * Updates a lead. With `overwrite` off, only fields that are empty now are filled (as CRMs'
 * "overwrite existing values" switch does); custom fields merge key by key the same way.
 * A stage given here moves the lead exactly as `changeStage` does.
 */
export async function updateLead(
	tx: Tx,
	id: unknown,
	fields: LeadFields,
	options: { overwrite?: boolean } = {},
	context: WriteContext = {},
): Promise<{ lead: Lead; changed: string[] }> {
	const overwrite = options.overwrite ?? true;
	const lead = await lockLead(tx, id);
	const { stage, ...rest } = fields;
	const given = await columnsFrom(tx, rest);
	// Changed columns, keyed by field name, in LEAD_FIELDS order with custom fields merged last.
	const changes = new Map<LeadFieldEntry, unknown>();
	for (const [f, value] of given) {
		if (f.kind === 'custom') continue;
		const current = currentColumn(lead, f);
		if (!overwrite && !isEmpty(current)) continue;
		if (current !== value) changes.set(f, value);
	}
	for (const [f, value] of given) {
		if (f.kind !== 'custom') continue;
		const before = lead[f.name as 'custom'];
		const merged: CustomFields = { ...before };
		for (const [key, v] of Object.entries(value as CustomFields)) {
			if (overwrite || isEmpty(merged[key])) merged[key] = v;
		}
		if (JSON.stringify(merged) !== JSON.stringify(before)) changes.set(f, merged);
	}
	const changed: string[] = [...changes.keys()].map((f) => f.name);
	if (changed.length > 0) {
		const sets = [...changes.keys()].map((f, i) => `${f.column} = $${i + 2}`);
		await tx.s.run(`UPDATE leads SET ${sets.join(', ')}, updated_at = $${sets.length + 2} WHERE id = $1`, [
			lead.id,
			...[...changes].map(([f, value]) => toColumn(f, value)),
			tx.now(),
		]);
		await appendEvent(tx, 'lead.updated', lead.id, { changed }, context);
		// The owner's changes are assignments: recorded in its history and as lead.assigned.
		const owner = [...changes.keys()].find((f) => f.name === 'owner');
		if (owner) {
			const memberId = changes.get(owner) as number | null;
			await recordAssignment(tx, lead.id, memberId, null, memberId === null ? 'unassign' : 'member', lead.owner?.id ?? null, context);
		}
	}
	if (stage !== undefined && stage !== null && stage !== '' && overwrite) {
		const moved = await changeStage(tx, lead.id, stage, {}, context);
		if (moved.changed) changed.push('stage');
	}
	return { lead: await getLead(tx, lead.id), changed };
}

export async function deleteLead(tx: Tx, id: unknown, context: WriteContext = {}): Promise<{ id: number; deleted: true }> {
	const lead = await lockLead(tx, id);
	await tx.s.run('DELETE FROM leads WHERE id = $1', [lead.id]);
	await appendEvent(tx, 'lead.deleted', lead.id, { name: lead.name, email: lead.email }, context);
	return { id: lead.id, deleted: true };
}

async function insertActivity(
	tx: Tx,
	leadId: number,
	a: { kind: string; direction: string | null; at: number; details: string | null; outcome?: string | null },
): Promise<Activity> {
	const row = await tx.s.get<Row>(
		'INSERT INTO activities (lead_id, kind, direction, at, details, created_at, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *',
		[leadId, a.kind, a.direction, a.at, a.details, tx.now(), a.outcome ?? null],
	);
	return toActivity(row!);
}

/**
 * Marks activity on a lead. Only a later time moves last_activity_at (a back-dated call does not
 * make the lead look fresher than it is), and each move starts a new inactivity episode.
 */
async function touch(tx: Tx, leadId: number, at: number, kind: string) {
	await tx.s.run(
		`UPDATE leads SET last_activity_at = $2, last_activity_kind = $3, episode = episode + 1, updated_at = $4
		WHERE id = $1 AND last_activity_at <= $2`,
		[leadId, at, kind, tx.now()],
	);
}

export async function logActivity(
	tx: Tx,
	leadId: unknown,
	input: { kind: unknown; direction?: unknown; at?: unknown; details?: unknown; outcome?: unknown },
	context: WriteContext = {},
): Promise<{ activity: Activity; lead: Lead; tasks: ClosedTask[] }> {
	const kind = activityKind('kind', input.kind);
	const dir = direction('direction', input.direction);
	const at = optionalTime('at', input.at) ?? tx.now();
	if (at > tx.now() + 60_000) throw invalid('at', 'at lies in the future; log activities when they happen');
	const details = optionalText('details', input.details, LIMITS.activityDetails);
	const outcome = optionalOneOf('outcome', input.outcome, CALL_OUTCOMES);
	if (outcome && kind !== 'call') throw invalid('outcome', `outcome is for calls; a ${kind} has none (got ${describe(input.outcome)})`);
	const lead = await lockLead(tx, leadId);
	const activity = await insertActivity(tx, lead.id, { kind, direction: dir, at, details, outcome });
	await touch(tx, lead.id, at, kind);
	await appendEvent(tx, 'activity.logged', lead.id, { activityId: activity.id, kind, direction: dir, at, ...(outcome ? { outcome } : {}) }, context);
	// A call with an outcome closes the lead's open call tasks (seed 002): completed → done, else skipped.
	const tasks = outcome ? await closeCallTasks(tx, lead.id, outcome, activity.id, context) : [];
	return { activity, lead: await getLead(tx, lead.id), tasks };
}

export async function listActivities(tx: Tx, leadId: unknown): Promise<Activity[]> {
	const lead = await getLead(tx, leadId);
	return (await tx.s.all<Row>('SELECT * FROM activities WHERE lead_id = $1 ORDER BY at, id', [lead.id])).map(toActivity);
}

export interface StageChange {
	lead: Lead;
	changed: boolean;
	previousStage: Stage;
	newStage: Stage;
}

/**
 * Moves a lead to a stage: records a stage-change activity (a new inactivity episode) and a
 * lead.stage_changed event. Moving to the stage it has already does nothing unless `force`.
 * Refuses runaway trigger chains: past MAX_CAUSATION_DEPTH, or when workflows have moved this
 * lead more than MAX_STAGE_CHANGES_PER_WINDOW times in the last minute.
 */
export async function changeStage(
	tx: Tx,
	leadId: unknown,
	stageRef: unknown,
	options: { force?: boolean } = {},
	context: WriteContext = {},
): Promise<StageChange> {
	// A workflow's move also counts, in the same statement, the lead's recent moves by workflows.
	const byWorkflow = context.actor?.kind === 'workflow';
	const row = byWorkflow
		? await lockLeadRow(tx, leadId, 'lead', `(${churnCount(tx)}) AS churn_count`, [tx.now() - STAGE_CHURN_WINDOW_MS])
		: await lockLeadRow(tx, leadId, 'lead');
	const lead = toLead(row);
	const stage = await resolveStage(tx, stageRef);
	if (lead.stage.id === stage.id && !options.force) {
		return { lead, changed: false, previousStage: lead.stage, newStage: stage };
	}
	const depth = context.causationDepth ?? 0;
	if (depth > MAX_CAUSATION_DEPTH) {
		throw conflict(
			'stage',
			`stopped a loop: lead ${lead.id} would move to "${stage.name}" as step ${depth} of a chain of stage-change workflows (the limit is ${MAX_CAUSATION_DEPTH}); a Lead Status Changed workflow is changing the stage that triggers it`,
		);
	}
	if (byWorkflow) assertNoChurn(lead, stage, Number(row.churn_count ?? 0));
	const now = tx.now();
	// The lead is locked (PostgreSQL) or the file has one writer (SQLite), so the moved lead is
	// computed here instead of re-read, and the move, its activity and its event go as one batch
	// (one statement on PostgreSQL). A stage change is activity: a new episode, unless the last
	// activity lies in the future (a back-dated clock never moves it backwards).
	const touched = lead.lastActivityAt <= now;
	const moved: Lead = {
		...lead,
		stage,
		updatedAt: now,
		...(touched ? { lastActivityAt: now, lastActivityKind: 'stage_change', episode: lead.episode + 1 } : {}),
	};
	await tx.s.runAll([
		[
			'UPDATE leads SET stage_id = $2, updated_at = $3, last_activity_at = $4, last_activity_kind = $5, episode = $6 WHERE id = $1',
			[lead.id, stage.id, now, moved.lastActivityAt, moved.lastActivityKind, moved.episode],
		],
		[
			'INSERT INTO activities (lead_id, kind, direction, at, details, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
			[lead.id, 'stage_change', null, now, `${lead.stage.name} → ${stage.name}`, now],
		],
		await eventStatement(
			tx,
			'lead.stage_changed',
			lead.id,
			{ fromStageId: lead.stage.id, fromStage: lead.stage.name, toStageId: stage.id, toStage: stage.name },
			context,
		),
	]);
	return { lead: moved, changed: true, previousStage: lead.stage, newStage: stage };
}

/** Workflow-made stage changes of lead `l` since $2 (the lead's id is $1). */
function churnCount(tx: Tx): string {
	const kind = tx.s.dialect === 'postgres' ? `actor ->> 'kind'` : `json_extract(actor, '$.kind')`;
	return `SELECT COUNT(*) FROM events WHERE lead_id = $1 AND type = 'lead.stage_changed' AND occurred_at >= $2 AND ${kind} = 'workflow'`;
}

function assertNoChurn(lead: Lead, stage: Stage, byWorkflows: number) {
	if (byWorkflows >= MAX_STAGE_CHANGES_PER_WINDOW) {
		throw conflict(
			'stage',
			`stopped a loop: workflows moved lead ${lead.id} ${byWorkflows} times in the last ${STAGE_CHURN_WINDOW_MS / 1000} s; refusing to move it to "${stage.name}"`,
		);
	}
}

/** The assignment history row and the lead.assigned event, as statements to run together. */
export async function assignmentStatements(
	tx: Tx,
	leadId: number,
	memberId: number | null,
	poolId: number | null,
	mode: string,
	previousOwnerId: number | null,
	context: WriteContext,
): Promise<Statement[]> {
	return [
		['INSERT INTO assignments (lead_id, member_id, pool_id, mode, at) VALUES ($1, $2, $3, $4, $5)', [leadId, memberId, poolId, mode, tx.now()]],
		await eventStatement(tx, 'lead.assigned', leadId, { memberId, previousOwnerId, poolId, mode }, context),
	];
}

/** Writes the assignment history row and the lead.assigned event. */
export async function recordAssignment(...args: Parameters<typeof assignmentStatements>) {
	await args[0].s.runAll(await assignmentStatements(...args));
}
