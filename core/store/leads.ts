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
import { appendEvent, EVENT_INSERT, eventStatement } from './events';
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
		? await lockLeadRow(tx, leadId, 'lead', `(${churnCount(tx, '$1')}) AS churn_count`, [tx.now() - STAGE_CHURN_WINDOW_MS])
		: await lockLeadRow(tx, leadId, 'lead');
	const stage = await resolveStage(tx, stageRef);
	const move = planMove(tx, row, stage, options, context);
	if (move.change.changed) await tx.s.runAll(await moveStatements(tx, [move]));
	return move.change;
}

interface PlannedMove {
	change: StageChange;
	context: WriteContext;
}

/**
 * What moving the locked lead `row` to `stage` changes, checked against the loop guards (throws
 * when one refuses). The lead is locked (PostgreSQL) or the file has one writer (SQLite), so
 * the moved lead is computed here instead of re-read. A stage change is activity: a new
 * episode, unless the last activity lies in the future (a back-dated clock never moves it back).
 */
function planMove(tx: Tx, row: Row, stage: Stage, options: { force?: boolean }, context: WriteContext, now = tx.now()): PlannedMove {
	const lead = toLead(row);
	if (lead.stage.id === stage.id && !options.force) {
		return { change: { lead, changed: false, previousStage: lead.stage, newStage: stage }, context };
	}
	const depth = context.causationDepth ?? 0;
	if (depth > MAX_CAUSATION_DEPTH) {
		throw conflict(
			'stage',
			`stopped a loop: lead ${lead.id} would move to "${stage.name}" as step ${depth} of a chain of stage-change workflows (the limit is ${MAX_CAUSATION_DEPTH}); a Lead Status Changed workflow is changing the stage that triggers it`,
		);
	}
	if (context.actor?.kind === 'workflow') assertNoChurn(lead, stage, Number(row.churn_count ?? 0));
	const touched = lead.lastActivityAt <= now;
	const moved: Lead = {
		...lead,
		stage,
		updatedAt: now,
		...(touched ? { lastActivityAt: now, lastActivityKind: 'stage_change', episode: lead.episode + 1 } : {}),
	};
	return { change: { lead: moved, changed: true, previousStage: lead.stage, newStage: stage }, context };
}

/**
 * The writes of changed moves, in item order: each lead's new stage, a stage-change activity
 * and a lead.stage_changed event. One move: three plain statements (one on PostgreSQL, as
 * SqlSession.runAll combines them). Many: PostgreSQL gets every move as one JSON array in one
 * statement; SQLite, whose JSON parsing costs more than a statement there, gets three statements
 * per run of like moves (same stages, time, actor and depth: all of a typical execution), the
 * run's leads as a flat list of ids. Either way their cost no longer grows by a statement per item.
 */
async function moveStatements(tx: Tx, moves: readonly PlannedMove[]): Promise<Statement[]> {
	await tx.s.signalEvents();
	// Many moves share their stages and actor: each text is made once.
	const texts = new Map<string, { details: string; data: string }>();
	const actors = new Map<unknown, string>();
	const row = ({ change: { lead, previousStage: from, newStage: to }, context }: PlannedMove) => {
		const pair = `${from.id}:${to.id}`;
		let text = texts.get(pair);
		if (!text) {
			text = { details: `${from.name} → ${to.name}`, data: JSON.stringify({ fromStageId: from.id, fromStage: from.name, toStageId: to.id, toStage: to.name }) };
			texts.set(pair, text);
		}
		let actor = actors.get(context.actor);
		if (actor === undefined) actors.set(context.actor, (actor = JSON.stringify(context.actor ?? { kind: 'system' })));
		// The time of the move is the one its moved lead shows.
		return { ...text, actor, depth: context.causationDepth ?? 0, now: lead.updatedAt };
	};
	if (moves.length === 1) {
		const [{ lead, newStage }] = moves.map((m) => m.change);
		const { details, actor, depth, data, now } = row(moves[0]);
		return [
			[
				'UPDATE leads SET stage_id = $2, updated_at = $3, last_activity_at = $4, last_activity_kind = $5, episode = $6 WHERE id = $1',
				[lead.id, newStage.id, now, lead.lastActivityAt, lead.lastActivityKind, lead.episode],
			],
			['INSERT INTO activities (lead_id, kind, direction, at, details, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [lead.id, 'stage_change', null, now, details, now]],
			[EVENT_INSERT, ['lead.stage_changed', lead.id, now, actor, depth, data]],
		];
	}
	return tx.s.dialect === 'postgres' ? [postgresMoves(moves, row)] : sqliteMoves(moves, row);
}

type MoveRow = (move: PlannedMove) => { details: string; actor: string; depth: number; data: string; now: number };

/** PostgreSQL: the moves as rows m of one JSON array (ord keeps item order), written by one statement. */
function postgresMoves(moves: readonly PlannedMove[], row: MoveRow): Statement {
	const values = moves.map((move) => {
		const { details, actor, depth, data, now } = row(move);
		const { lead, newStage } = move.change;
		return [lead.id, newStage.id, now, lead.lastActivityAt, lead.lastActivityKind, lead.episode, details, actor, depth, data];
	});
	const f = (i: number, type: string) => `(m.v ->> ${i})::${type}`;
	const [id, now] = [f(0, 'bigint'), f(2, 'bigint')];
	return [
		`WITH m AS (SELECT v, ord FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e (v, ord)),
		w0 AS (UPDATE leads SET stage_id = ${f(1, 'bigint')}, updated_at = ${now}, last_activity_at = ${f(3, 'bigint')},
			last_activity_kind = ${f(4, 'text')}, episode = ${f(5, 'int')} FROM m WHERE leads.id = ${id}),
		w1 AS (INSERT INTO activities (lead_id, kind, direction, at, details, created_at)
			SELECT ${id}, 'stage_change', NULL, ${now}, ${f(6, 'text')}, ${now} FROM m ORDER BY m.ord),
		w2 AS (INSERT INTO events (type, lead_id, occurred_at, actor, causation_depth, data)
			SELECT 'lead.stage_changed', ${id}, ${now}, ${f(7, 'jsonb')}, ${f(8, 'int')}, ${f(9, 'jsonb')} FROM m ORDER BY m.ord)
		SELECT 1`,
		[JSON.stringify(values)],
	];
}

/**
 * SQLite: per run of consecutive like moves, three statements over the run's lead ids (json_each
 * walks the list in order). The new activity fields are computed as planMove computed them: the
 * file has one writer, so each lead is still as it was read.
 */
function sqliteMoves(moves: readonly PlannedMove[], row: MoveRow): Statement[] {
	const statements: Statement[] = [];
	// Like moves: same stages, time, depth and actor (one object, as runItems passes it, or equal).
	const like = (a: PlannedMove, b: PlannedMove) =>
		a.change.newStage.id === b.change.newStage.id &&
		a.change.previousStage.id === b.change.previousStage.id &&
		a.change.lead.updatedAt === b.change.lead.updatedAt &&
		(a.context.causationDepth ?? 0) === (b.context.causationDepth ?? 0) &&
		(a.context.actor === b.context.actor || JSON.stringify(a.context.actor) === JSON.stringify(b.context.actor));
	for (let start = 0; start < moves.length; ) {
		const first = row(moves[start]);
		let end = start + 1;
		while (end < moves.length && like(moves[end], moves[start])) end++;
		const ids = JSON.stringify(moves.slice(start, end).map((m) => m.change.lead.id));
		const touched = 'last_activity_at <= $3';
		statements.push(
			[
				`UPDATE leads SET stage_id = $2, updated_at = $3,
					last_activity_at = CASE WHEN ${touched} THEN $3 ELSE last_activity_at END,
					last_activity_kind = CASE WHEN ${touched} THEN 'stage_change' ELSE last_activity_kind END,
					episode = CASE WHEN ${touched} THEN episode + 1 ELSE episode END
				WHERE id IN (SELECT value FROM json_each($1))`,
				[ids, moves[start].change.newStage.id, first.now],
			],
			[
				`INSERT INTO activities (lead_id, kind, direction, at, details, created_at)
				SELECT m.value, 'stage_change', NULL, $2, $3, $2 FROM json_each($1) AS m`,
				[ids, first.now, first.details],
			],
			[
				`INSERT INTO events (type, lead_id, occurred_at, actor, causation_depth, data)
				SELECT 'lead.stage_changed', m.value, $2, $3, $4, $5 FROM json_each($1) AS m`,
				[ids, first.now, first.actor, first.depth, first.data],
			],
		);
		start = end;
	}
	return statements;
}

export interface StageMove {
	leadId: unknown;
	stage: unknown;
	force?: boolean;
	context?: WriteContext;
}

/**
 * Many stage changes at once, each exactly as changeStage would make it alone, in item order:
 * one statement locks and reads every lead, and the writes are three statements for all of
 * them (one on PostgreSQL). Returns undefined, having written nothing, when any move would not
 * go through alone (bad input, a loop guard, no such lead or stage), when a lead comes twice,
 * or when the transaction runs item by item (SqlSession.bulk): the caller then moves them one
 * by one, and the failing item's own error names it.
 */
export async function changeStages(tx: Tx, moves: readonly StageMove[]): Promise<StageChange[] | undefined> {
	if (!tx.s.bulk || moves.length < 2) return undefined;
	let ids: number[];
	try {
		ids = moves.map((m) => parseLeadId(m.leadId));
	} catch {
		return undefined;
	}
	if (new Set(ids).size !== ids.length) return undefined;
	const pg = tx.s.dialect === 'postgres';
	const list = pg ? '= ANY ($1::bigint[])' : 'IN (SELECT value FROM json_each($1))';
	const now = tx.now();
	// PostgreSQL locks the leads in id order. SQLite locks nothing (one writer), so it reads with
	// plain joins, in no particular order: both cost less there.
	const select = pg ? LEAD_LOCK_SELECT : LEAD_SELECT;
	const rows = await tx.s.all<Row>(
		`${select.replace(/^SELECT /, `SELECT (${churnCount(tx, 'l.id')}) AS churn_count, `)}
		WHERE l.id ${list}${pg ? ' ORDER BY l.id FOR UPDATE OF l' : ''}`,
		[pg ? ids : JSON.stringify(ids), now - STAGE_CHURN_WINDOW_MS],
	);
	if (rows.length !== ids.length) return undefined;
	const byId = new Map(rows.map((r) => [Number(r.id), r]));
	const planned: PlannedMove[] = [];
	// A stage given as an id or a name is looked up once for all the moves naming it.
	const stages = new Map<unknown, Stage>();
	try {
		for (let i = 0; i < moves.length; i++) {
			const ref = moves[i].stage;
			const memo = typeof ref === 'number' || typeof ref === 'string';
			let stage = memo ? stages.get(ref) : undefined;
			if (!stage) {
				stage = await resolveStage(tx, ref);
				if (memo) stages.set(ref, stage);
			}
			planned.push(planMove(tx, byId.get(ids[i])!, stage, { force: moves[i].force }, moves[i].context ?? {}, now));
		}
	} catch {
		return undefined;
	}
	const changed = planned.filter((m) => m.change.changed);
	if (changed.length > 0) await tx.s.runAll(await moveStatements(tx, changed));
	return planned.map((m) => m.change);
}

/** Workflow-made stage changes of the lead whose id is `lead` (a parameter or column) since $2. */
function churnCount(tx: Tx, lead: string): string {
	const kind = tx.s.dialect === 'postgres' ? `actor ->> 'kind'` : `json_extract(actor, '$.kind')`;
	return `SELECT COUNT(*) FROM events WHERE lead_id = ${lead} AND type = 'lead.stage_changed' AND occurred_at >= $2 AND ${kind} = 'workflow'`;
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
	/** Round robin: the pool's turn this assignment took. */
	turn: number | null = null,
): Promise<Statement[]> {
	return [
		['INSERT INTO assignments (lead_id, member_id, pool_id, mode, at, turn) VALUES ($1, $2, $3, $4, $5, $6)', [leadId, memberId, poolId, mode, tx.now(), turn]],
		await eventStatement(tx, 'lead.assigned', leadId, { memberId, previousOwnerId, poolId, mode }, context),
	];
}

/** Writes the assignment history row and the lead.assigned event. */
export async function recordAssignment(...args: Parameters<typeof assignmentStatements>) {
	await args[0].s.runAll(await assignmentStatements(...args));
}
