/**
 * Stale leads: no activity (stage change or a logged email, SMS, call, meeting, other) for a
 * number of whole 24-hour periods. Notes and tasks do not count; creation starts the first
 * episode; every activity starts a new one (leads.episode grows).
 *
 * A scan picks, through the (stage_id, last_activity_at) index, the leads in the chosen stages
 * whose last activity lies in the window, that pass the audience filter and have no mark for
 * (subscription, lead, episode) in stale_fired. The mark is written once the fire's run is taken
 * for certain (staleWatch.ts), with INSERT .. ON CONFLICT DO NOTHING.
 */
import { conflict, invalid } from '../errors';
import { compileFilter, type FilterGroup } from '../filters/audienceFilter';
import type { ActivityKind, Lead } from '../model';
import { describe } from '../validation';
import { LEAD_SELECT, toLead, type Row } from './rows';
import { resolveStage } from './stages';
import type { Tx } from './Tx';

export const DAY_MS = 24 * 60 * 60 * 1000;
export const STALE_MODES = ['gte', 'equals', 'between'] as const;
export type StaleMode = (typeof STALE_MODES)[number];
/** A sanity bound (100 years) that keeps day arithmetic far from overflow. */
export const MAX_STALE_DAYS = 36_500;

export interface StaleCriteria {
	mode: StaleMode;
	minDays: number;
	/** The upper end for 'between'; equals minDays for 'equals'; null for 'gte'. */
	maxDays: number | null;
	stageIds: number[];
	filter: FilterGroup | null;
	/** Only leads whose threshold crossing comes after the subscription's activation. */
	onlyBecomingStaleAfterActivation: boolean;
}

export interface StaleLead {
	lead: Lead;
	/** Whole 24-hour periods since the last activity. */
	daysInactive: number;
	lastActivityAt: number;
	lastActivityKind: ActivityKind;
	/** The inactivity episode this fire belongs to (one fire per lead per episode). */
	episode: number;
	/** When the lead crossed the minimum (last activity + minDays). */
	staleSince: number;
	checkedAt: number;
}

/** Whole 24-hour periods between the last activity and now. */
export const daysInactive = (lastActivityAt: number, now: number) => Math.floor((now - lastActivityAt) / DAY_MS);

function wholeDays(field: string, value: unknown): number {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_STALE_DAYS) {
		throw invalid(field, `${field} must be a whole number of days from 1 to ${MAX_STALE_DAYS}; got ${describe(value)}`);
	}
	return n;
}

/** Checks the numbers: mode known, 1 ≤ N (≤ M for between), whole days. */
export function staleDays(input: { mode: unknown; minDays: unknown; maxDays?: unknown }): Pick<StaleCriteria, 'mode' | 'minDays' | 'maxDays'> {
	const mode = typeof input.mode === 'string' ? input.mode.trim().toLowerCase() : input.mode;
	if (!(STALE_MODES as readonly unknown[]).includes(mode)) {
		throw invalid('mode', `mode must be one of ${STALE_MODES.join(', ')} (greater than or equals, equals, between); got ${describe(input.mode)}`);
	}
	const minDays = wholeDays('minDays', input.minDays);
	if (mode === 'gte') return { mode, minDays, maxDays: null };
	if (mode === 'equals') return { mode, minDays, maxDays: minDays };
	const maxDays = wholeDays('maxDays', input.maxDays);
	if (maxDays < minDays) throw invalid('maxDays', `maxDays (${maxDays}) must not be below minDays (${minDays})`);
	return { mode: 'between', minDays, maxDays };
}

/**
 * The last-activity window a lead must lie in at `now`: days ≥ N ⇔ last ≤ now − N·day;
 * days ≤ M ⇔ last > now − (M+1)·day. With onlyBecomingStaleAfterActivation the crossing
 * (last + N·day) must come after activation: last > activatedAt − N·day.
 */
export function staleWindow(
	criteria: Pick<StaleCriteria, 'minDays' | 'maxDays' | 'onlyBecomingStaleAfterActivation'>,
	now: number,
	activatedAt = 0,
): { notAfter: number; after: number | null } {
	const notAfter = now - criteria.minDays * DAY_MS;
	let after = criteria.maxDays === null ? null : now - (criteria.maxDays + 1) * DAY_MS;
	if (criteria.onlyBecomingStaleAfterActivation) {
		const crossing = activatedAt - criteria.minDays * DAY_MS;
		after = after === null ? crossing : Math.max(after, crossing);
	}
	return { notAfter, after };
}

/** Resolves stages (ids or names; at least one; never a won or lost kind) and the rest. */
export async function resolveStaleStages(tx: Tx, refs: unknown[]): Promise<number[]> {
	if (refs.length === 0) throw invalid('stages', 'stages: choose at least one stage to watch (Won and Lost stages cannot be watched)');
	const ids: number[] = [];
	for (const ref of refs) {
		const stage = await resolveStage(tx, ref, 'stages');
		if (stage.kind !== 'open') {
			throw invalid('stages', `stages: "${stage.name}" is a ${stage.kind} stage; a stale-lead trigger watches open stages only`);
		}
		if (!ids.includes(stage.id)) ids.push(stage.id);
	}
	return ids;
}

const toStaleLead = (row: Row, criteria: StaleCriteria, now: number): StaleLead => {
	const lead = toLead(row);
	return {
		lead,
		daysInactive: daysInactive(lead.lastActivityAt, now),
		lastActivityAt: lead.lastActivityAt,
		lastActivityKind: lead.lastActivityKind,
		episode: lead.episode,
		staleSince: lead.lastActivityAt + criteria.minDays * DAY_MS,
		checkedAt: now,
	};
};

/** WHERE clause of the leads in the window (stage kind re-checked: a stage may turn won later). */
function staleWhere(tx: Tx, criteria: StaleCriteria, now: number, activatedAt: number, params: unknown[]) {
	const p = (value: unknown) => (params.push(value), `$${params.length}`);
	const { notAfter, after } = staleWindow(criteria, now, activatedAt);
	const parts = [
		`l.stage_id IN (${criteria.stageIds.map(p).join(', ')})`,
		`l.last_activity_at <= ${p(notAfter)}`,
		`s.kind = 'open'`,
	];
	if (after !== null) parts.push(`l.last_activity_at > ${p(after)}`);
	if (criteria.filter) parts.push(compileFilter(criteria.filter, tx.s.dialect, params));
	return parts.join(' AND ');
}

export interface StaleClaim {
	leadId: number;
	episode: number;
}

/**
 * Up to `limit` stale leads with no fire mark for this subscription in their current episode,
 * oldest silence first, leaving out `exceptLeadIds` (fires this process has in hand).
 */
export async function findStaleLeads(
	tx: Tx,
	subscription: { id: number; createdAt: number },
	criteria: StaleCriteria,
	limit: number,
	exceptLeadIds: readonly number[] = [],
): Promise<StaleLead[]> {
	if (criteria.stageIds.length === 0) throw conflict('stages', 'stages: no stage to watch');
	const now = tx.now();
	const params: unknown[] = [subscription.id];
	const where = staleWhere(tx, criteria, now, subscription.createdAt, params);
	const except = exceptLeadIds.length > 0 ? `AND l.id NOT IN (${exceptLeadIds.map((id) => (params.push(id), `$${params.length}`)).join(', ')})` : '';
	params.push(limit);
	const rows = await tx.s.all<Row>(
		`${LEAD_SELECT} WHERE ${where} ${except}
		AND NOT EXISTS (SELECT 1 FROM stale_fired f WHERE f.subscription_id = $1 AND f.lead_id = l.id AND f.episode = l.episode)
		ORDER BY l.last_activity_at, l.id LIMIT $${params.length}`,
		params,
	);
	return rows.map((r) => toStaleLead(r, criteria, now));
}

/** Marks fires whose run was taken for certain: those episodes never fire again for this subscription. */
export async function markStaleFired(tx: Tx, subscriptionId: number, claims: readonly StaleClaim[]): Promise<void> {
	if (claims.length === 0) return;
	const values: unknown[] = [subscriptionId, tx.now()];
	const tuples = claims.map((c) => `($1, $${values.push(c.leadId)}, $${values.push(c.episode)}, $2)`);
	await tx.s.run(`INSERT INTO stale_fired (subscription_id, lead_id, episode, fired_at) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`, values);
}

/** Drops marks that can never match again: the lead moved on to a later episode, or is gone. */
export async function pruneStaleMarks(tx: Tx, subscriptionId: number): Promise<number> {
	return tx.s.run(
		`DELETE FROM stale_fired WHERE subscription_id = $1
		AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.id = stale_fired.lead_id AND l.episode = stale_fired.episode)`,
		[subscriptionId],
	);
}

/** For manual mode: the lead that most recently went stale under the criteria, marks ignored. */
export async function latestStaleLead(tx: Tx, criteria: StaleCriteria): Promise<StaleLead | null> {
	const now = tx.now();
	const params: unknown[] = [];
	const where = staleWhere(tx, { ...criteria, onlyBecomingStaleAfterActivation: false }, now, 0, params);
	const row = await tx.s.get<Row>(`${LEAD_SELECT} WHERE ${where} ORDER BY l.last_activity_at DESC, l.id DESC LIMIT 1`, params);
	return row ? toStaleLead(row, criteria, now) : null;
}

/**
 * For manual mode when no lead is stale: the lead in the watched stages (and audience) that goes
 * stale first, i.e. the longest silent of those with fewer than N days; its staleSince lies ahead.
 */
export async function closestToStaleLead(tx: Tx, criteria: StaleCriteria): Promise<StaleLead | null> {
	const now = tx.now();
	const params: unknown[] = [];
	const p = (value: unknown) => (params.push(value), `$${params.length}`);
	const parts = [`l.stage_id IN (${criteria.stageIds.map(p).join(', ')})`, `l.last_activity_at > ${p(now - criteria.minDays * DAY_MS)}`, `s.kind = 'open'`];
	if (criteria.filter) parts.push(compileFilter(criteria.filter, tx.s.dialect, params));
	const row = await tx.s.get<Row>(`${LEAD_SELECT} WHERE ${parts.join(' AND ')} ORDER BY l.last_activity_at, l.id LIMIT 1`, params);
	return row ? toStaleLead(row, criteria, now) : null;
}
