/** Leads: create, read, list, update, delete; activities; stage changes. */
import { conflict, invalid, notFound } from '../errors';
import { compileFilter, resolveFilter, type FilterGroup } from '../filters/audienceFilter';
import type { Activity, Actor, CustomFields, Lead, LeadFields, Page, Stage, WriteContext } from '../model';
import {
	activityKind,
	customFields,
	describe,
	direction,
	LIMITS,
	optionalEmail,
	optionalText,
	optionalTime,
	priority,
} from '../validation';
import { appendEvent } from './events';
import { resolveMember } from './members';
import { json, LEAD_SELECT, toActivity, toLead, type Row } from './rows';
import { defaultStage, resolveStage } from './stages';
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

/** Plain column values from caller fields; `undefined` means "not given". */
async function columnsFrom(tx: Tx, fields: LeadFields) {
	const out: Record<string, unknown> = {};
	if ('name' in fields) out.name = optionalText('name', fields.name, LIMITS.name);
	if ('email' in fields) out.email = optionalEmail('email', fields.email);
	if ('phone' in fields) out.phone = optionalText('phone', fields.phone, LIMITS.phone);
	if ('source' in fields) out.source = optionalText('source', fields.source, LIMITS.source);
	if ('type' in fields) out.type = optionalText('type', fields.type, LIMITS.type);
	if ('priority' in fields) out.priority = priority('priority', fields.priority);
	if ('gender' in fields) out.gender = optionalText('gender', fields.gender, LIMITS.gender);
	if ('custom' in fields) out.custom = customFields('custom', fields.custom);
	if ('owner' in fields) {
		out.owner_id = fields.owner === null || fields.owner === undefined || fields.owner === '' ? null : (await resolveMember(tx, fields.owner, 'owner')).id;
	}
	return out;
}

export async function createLead(tx: Tx, fields: LeadFields, context: WriteContext = {}): Promise<Lead> {
	const columns = await columnsFrom(tx, fields);
	const stage = fields.stage === undefined || fields.stage === null || fields.stage === '' ? await defaultStage(tx) : await resolveStage(tx, fields.stage);
	if (columns.name === null && columns.email === null && columns.phone === null) {
		throw invalid('name', 'a lead needs at least a name, an email or a phone number');
	}
	const now = tx.now();
	const row = await tx.s.get<{ id: number }>(
		`INSERT INTO leads (name, email, phone, stage_id, source, type, priority, gender, owner_id, custom,
			created_at, updated_at, last_activity_at, last_activity_kind, episode)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $11, 'created', 1) RETURNING id`,
		[
			columns.name ?? null,
			columns.email ?? null,
			columns.phone ?? null,
			stage.id,
			columns.source ?? null,
			columns.type ?? null,
			columns.priority ?? null,
			columns.gender ?? null,
			columns.owner_id ?? null,
			JSON.stringify(columns.custom ?? {}),
			now,
		],
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
	const lead = await getLead(tx, id);
	const { stage, ...rest } = fields;
	const columns = await columnsFrom(tx, rest);
	const current: Record<string, unknown> = {
		name: lead.name,
		email: lead.email,
		phone: lead.phone,
		source: lead.source,
		type: lead.type,
		priority: lead.priority,
		gender: lead.gender,
		owner_id: lead.owner?.id ?? null,
	};
	const changes: Record<string, unknown> = {};
	for (const [column, value] of Object.entries(columns)) {
		if (column === 'custom') continue;
		if (!overwrite && !isEmpty(current[column])) continue;
		if (current[column] !== value) changes[column] = value;
	}
	if (columns.custom) {
		const merged: CustomFields = { ...lead.custom };
		for (const [key, value] of Object.entries(columns.custom as CustomFields)) {
			if (overwrite || isEmpty(merged[key])) merged[key] = value;
		}
		if (JSON.stringify(merged) !== JSON.stringify(lead.custom)) changes.custom = JSON.stringify(merged);
	}
	const changed = Object.keys(changes).map((c) => (c === 'owner_id' ? 'owner' : c));
	if (changed.length > 0) {
		const sets = Object.keys(changes).map((c, i) => `${c} = $${i + 2}`);
		await tx.s.run(`UPDATE leads SET ${sets.join(', ')}, updated_at = $${sets.length + 2} WHERE id = $1`, [
			lead.id,
			...Object.values(changes),
			tx.now(),
		]);
		await appendEvent(tx, 'lead.updated', lead.id, { changed }, context);
		if ('owner_id' in changes) {
			await recordAssignment(tx, lead.id, changes.owner_id as number | null, null, changes.owner_id === null ? 'unassign' : 'member', lead.owner?.id ?? null, context);
		}
	}
	if (stage !== undefined && stage !== null && stage !== '' && overwrite) {
		const moved = await changeStage(tx, lead.id, stage, {}, context);
		if (moved.changed) changed.push('stage');
	}
	return { lead: await getLead(tx, lead.id), changed };
}

export async function deleteLead(tx: Tx, id: unknown, context: WriteContext = {}): Promise<{ id: number; deleted: true }> {
	const lead = await getLead(tx, id);
	await tx.s.run('DELETE FROM leads WHERE id = $1', [lead.id]);
	await appendEvent(tx, 'lead.deleted', lead.id, { name: lead.name, email: lead.email }, context);
	return { id: lead.id, deleted: true };
}

async function insertActivity(
	tx: Tx,
	leadId: number,
	a: { kind: string; direction: string | null; at: number; details: string | null },
): Promise<Activity> {
	const row = await tx.s.get<Row>(
		'INSERT INTO activities (lead_id, kind, direction, at, details, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
		[leadId, a.kind, a.direction, a.at, a.details, tx.now()],
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
	input: { kind: unknown; direction?: unknown; at?: unknown; details?: unknown },
	context: WriteContext = {},
): Promise<{ activity: Activity; lead: Lead }> {
	const kind = activityKind('kind', input.kind);
	const dir = direction('direction', input.direction);
	const at = optionalTime('at', input.at) ?? tx.now();
	if (at > tx.now() + 60_000) throw invalid('at', 'at lies in the future; log activities when they happen');
	const details = optionalText('details', input.details, LIMITS.activityDetails);
	const lead = await getLead(tx, leadId);
	const activity = await insertActivity(tx, lead.id, { kind, direction: dir, at, details });
	await touch(tx, lead.id, at, kind);
	await appendEvent(tx, 'activity.logged', lead.id, { activityId: activity.id, kind, direction: dir, at }, context);
	return { activity, lead: await getLead(tx, lead.id) };
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
	const lead = await getLead(tx, leadId);
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
	if (context.actor?.kind === 'workflow') await assertNoChurn(tx, lead, stage);
	const now = tx.now();
	await tx.s.run('UPDATE leads SET stage_id = $2, updated_at = $3 WHERE id = $1', [lead.id, stage.id, now]);
	await insertActivity(tx, lead.id, { kind: 'stage_change', direction: null, at: now, details: `${lead.stage.name} → ${stage.name}` });
	await touch(tx, lead.id, now, 'stage_change');
	await appendEvent(
		tx,
		'lead.stage_changed',
		lead.id,
		{ fromStageId: lead.stage.id, fromStage: lead.stage.name, toStageId: stage.id, toStage: stage.name },
		context,
	);
	return { lead: await getLead(tx, lead.id), changed: true, previousStage: lead.stage, newStage: stage };
}

async function assertNoChurn(tx: Tx, lead: Lead, stage: Stage) {
	const since = tx.now() - STAGE_CHURN_WINDOW_MS;
	const rows = await tx.s.all<Row>(
		`SELECT actor FROM events WHERE lead_id = $1 AND type = 'lead.stage_changed' AND occurred_at >= $2`,
		[lead.id, since],
	);
	const byWorkflows = rows.filter((r) => json<Actor>(r.actor, { kind: 'system' }).kind === 'workflow').length;
	if (byWorkflows >= MAX_STAGE_CHANGES_PER_WINDOW) {
		throw conflict(
			'stage',
			`stopped a loop: workflows moved lead ${lead.id} ${byWorkflows} times in the last ${STAGE_CHURN_WINDOW_MS / 1000} s; refusing to move it to "${stage.name}"`,
		);
	}
}

/** Writes the assignment history row and the lead.assigned event. */
export async function recordAssignment(
	tx: Tx,
	leadId: number,
	memberId: number | null,
	poolId: number | null,
	mode: string,
	previousOwnerId: number | null,
	context: WriteContext,
) {
	await tx.s.run('INSERT INTO assignments (lead_id, member_id, pool_id, mode, at) VALUES ($1, $2, $3, $4, $5)', [
		leadId,
		memberId,
		poolId,
		mode,
		tx.now(),
	]);
	await appendEvent(tx, 'lead.assigned', leadId, { memberId, previousOwnerId, poolId, mode }, context);
}
