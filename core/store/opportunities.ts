/**
 * Opportunities: the deals on a lead. Internal work like notes and tasks: writing one never
 * touches the lead row (not its last activity, not its updated time), so a stale-lead workflow
 * that creates an opportunity does not reset itself. Every write locks its lead's row first
 * (core/store/leads.ts lockLead), so one lead's writes keep their order, and writes its event in
 * the same transaction: opportunity.created, opportunity.updated (every change, the fields it
 * changed), opportunity.status_changed (previous and new status).
 */
import { DateTime } from 'luxon';
import { conflict, invalid, notFound } from '../errors';
import { OPPORTUNITY_FIELD_LIST, WRITABLE_OPPORTUNITY_FIELDS, type OpportunityFieldEntry } from '../fields/opportunityFields';
import { amountToMinor, currencyCode, DEFAULT_CURRENCY, minorDigits, minorToAmount, minorUnits } from '../money/currency';
import type { CustomFields, Lead, Member, Opportunity, OpportunityFields, OpportunityStatus, Page, WriteContext } from '../model';
import { timezone as checkTimezone } from '../tasks/dueDate';
import { customFields, describe, optionalText } from '../validation';
import { appendEvent } from './events';
import { getLead, lockLead, MAX_CAUSATION_DEPTH, parseLeadId } from './leads';
import { resolveMember } from './members';
import { defaultStatus, resolveStatus } from './opportunityStatuses';
import { bool, json, type Row } from './rows';
import { AGAIN_REASON, earlierWrite, recordWrite } from './stepWrites';
import type { Tx } from './Tx';

/** Where an opportunity's columns sit in a SELECT: `o` joined to its status and owner, each column as `<prefix><column>`. */
export function opportunityColumns(prefix = ''): string {
	return OPPORTUNITY_FIELD_LIST.flatMap((f) => {
		const own = `o.${f.column} AS ${prefix}${f.column}`;
		if (f.kind === 'status') return [own, ...['name', 'kind', 'position'].map((c) => `${f.join}.${c} AS ${prefix}${f.name}_${c}`)];
		if (f.kind === 'member') return [own, ...['name', 'email', 'active'].map((c) => `${f.join}.${c} AS ${prefix}${f.name}_${c}`)];
		return [own];
	}).join(', ');
}

export const OPPORTUNITY_JOINS = OPPORTUNITY_FIELD_LIST.flatMap((f) =>
	f.kind === 'status'
		? [`JOIN opportunity_statuses ${f.join} ON ${f.join}.id = o.${f.column}`]
		: f.kind === 'member'
			? [`LEFT JOIN members ${f.join} ON ${f.join}.id = o.${f.column}`]
			: [],
).join(' ');

const OPPORTUNITY_SELECT = `SELECT ${opportunityColumns()} FROM opportunities o ${OPPORTUNITY_JOINS}`;

/** A row of opportunityColumns(prefix) → Opportunity, field by field as OPPORTUNITY_FIELDS describes them. */
export function toOpportunity(r: Row, prefix = ''): Opportunity {
	const out: Record<string, unknown> = {};
	const col = (name: string) => r[`${prefix}${name}`];
	for (const f of OPPORTUNITY_FIELD_LIST) {
		const v = col(f.column);
		switch (f.kind) {
			case 'id':
			case 'lead':
			case 'time':
				out[f.name] = Number(v);
				break;
			case 'money':
			case 'percent':
				out[f.name] = v === null || v === undefined ? null : Number(v);
				break;
			case 'status':
				out[f.name] = { id: Number(v), name: String(col(`${f.name}_name`)), kind: col(`${f.name}_kind`), position: Number(col(`${f.name}_position`)) };
				break;
			case 'member':
				out[f.name] =
					v === null || v === undefined
						? null
						: { id: Number(v), name: String(col(`${f.name}_name`)), email: col(`${f.name}_email`) ?? null, active: bool(col(`${f.name}_active`)) };
				break;
			case 'custom':
				out[f.name] = json(v, {});
				break;
			default:
				out[f.name] = v === null || v === undefined ? null : String(v);
		}
		if (f.kind === 'money') out.amount = out.value === null ? null : minorToAmount(out.value as number, String(col('currency')));
	}
	return out as Opportunity;
}

export function parseOpportunityId(value: unknown, field = 'opportunity'): number {
	const id = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
	if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
		throw invalid(field, `${field} must be an opportunity id (a whole number); got ${describe(value)}`);
	}
	return id;
}

export async function findOpportunity(tx: Tx, id: unknown, field = 'opportunity'): Promise<Opportunity | null> {
	const row = await tx.s.get<Row>(`${OPPORTUNITY_SELECT} WHERE o.id = $1`, [parseOpportunityId(id, field)]);
	return row ? toOpportunity(row) : null;
}

export async function getOpportunity(tx: Tx, id: unknown, field = 'opportunity'): Promise<Opportunity> {
	const found = await findOpportunity(tx, id, field);
	if (!found) throw notFound(field, `${field}: no opportunity with id ${parseOpportunityId(id, field)}`);
	return found;
}

/** The newest or the oldest opportunity on a lead, by creation; null when it has none. */
export async function pickOpportunity(tx: Tx, leadId: number, which: 'newest' | 'oldest'): Promise<Opportunity | null> {
	const order = which === 'newest' ? 'DESC' : 'ASC';
	const row = await tx.s.get<Row>(`${OPPORTUNITY_SELECT} WHERE o.lead_id = $1 ORDER BY o.created_at ${order}, o.id ${order} LIMIT 1`, [leadId]);
	return row ? toOpportunity(row) : null;
}

/** How a write reads dates and fills the currency: the workflow's timezone, the credential's default currency. */
export interface OpportunityWriteOptions {
	/** The currency of an opportunity created without one (default USD). */
	defaultCurrency?: string;
	/** "X days after" and dates with a time of day are counted in this timezone (default UTC). */
	timezone?: string;
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === '';
const MAX_CLOSE_DAYS = 36_600;

/** A calendar date: YYYY-MM-DD, a date and time (its day in `zone`), a Date or luxon DateTime, or `{ daysAfter }` from now. */
export function closeDate(field: string, value: unknown, now: number, zone: string): string | null {
	if (isEmpty(value)) return null;
	let date: DateTime;
	if (typeof value === 'object' && value !== null && 'daysAfter' in value) {
		const raw = (value as { daysAfter: unknown }).daysAfter;
		const days = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
		if (typeof days !== 'number' || !Number.isInteger(days) || days < 0 || days > MAX_CLOSE_DAYS) {
			throw invalid(field, `${field}: days after must be a whole number from 0 to ${MAX_CLOSE_DAYS}; got ${describe(raw)}`);
		}
		date = DateTime.fromMillis(now, { zone }).plus({ days });
	} else if (typeof value === 'string') {
		// YYYY-MM-DD, or an ISO date and time (its day in the zone); nothing looser.
		const text = value.trim();
		date = /^\d{4}-\d{2}-\d{2}(T|$)/.test(text) ? DateTime.fromISO(text, { zone }) : DateTime.invalid('not ISO');
	} else if (value instanceof Date) {
		date = DateTime.fromJSDate(value, { zone });
	} else if (typeof value === 'object' && value !== null && typeof (value as { toMillis?: unknown }).toMillis === 'function') {
		date = DateTime.fromMillis((value as { toMillis(): number }).toMillis(), { zone }); // a luxon DateTime from an expression
	} else {
		date = DateTime.invalid('not a date');
	}
	if (!date.isValid) throw invalid(field, `${field} is not a valid date (use YYYY-MM-DD); got ${describe(value)}`);
	return date.toISODate();
}

function confidence(field: string, value: unknown): number | null {
	if (isEmpty(value)) return null;
	const n = typeof value === 'string' ? Number(value.trim()) : value;
	if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 100) {
		throw invalid(field, `${field} must be a whole number from 0 to 100; got ${describe(value)}`);
	}
	return n;
}

async function activeMember(tx: Tx, ref: unknown, field: string): Promise<Member> {
	const member = await resolveMember(tx, ref, field);
	if (!member.active) throw conflict(field, `${field}: team member ${member.name} is inactive`);
	return member;
}

/**
 * The column values of the fields the caller gave (absent = not given), checked. `currency` is
 * the currency the value is in: the one given, else the opportunity's (update) or the default.
 */
async function columnsFrom(
	tx: Tx,
	fields: OpportunityFields,
	currency: string,
	zone: string,
): Promise<Map<OpportunityFieldEntry, unknown>> {
	const out = new Map<OpportunityFieldEntry, unknown>();
	const given = (name: string) => name in fields && (fields as Record<string, unknown>)[name] !== undefined;
	for (const f of WRITABLE_OPPORTUNITY_FIELDS) {
		const raw = (fields as Record<string, unknown>)[f.name];
		switch (f.kind) {
			case 'money':
				if (given('amount')) out.set(f, isEmpty(fields.amount) ? null : amountToMinor('value', fields.amount, currency));
				else if (given('value')) out.set(f, isEmpty(raw) ? null : minorUnits('value', raw));
				break;
			case 'currency':
				if (given(f.name) && !isEmpty(raw)) out.set(f, currency);
				break;
			case 'status':
				if (given(f.name) && !isEmpty(raw)) out.set(f, await resolveStatus(tx, raw, f.name));
				break;
			case 'percent':
				if (given(f.name)) out.set(f, confidence(f.name, raw));
				break;
			case 'date':
				if (given(f.name)) out.set(f, closeDate(f.name, raw, tx.now(), zone));
				break;
			case 'member':
				if (given(f.name)) out.set(f, isEmpty(raw) ? null : (await activeMember(tx, raw, f.name)).id);
				break;
			case 'custom':
				if (given(f.name)) out.set(f, customFields(f.name, raw));
				break;
			default:
				if (given(f.name)) out.set(f, optionalText(f.name, raw, f.limit!));
		}
	}
	return out;
}

const field = (name: string) => WRITABLE_OPPORTUNITY_FIELDS.find((f) => f.name === name)!;

/** What a column holds for a field's value (status: its id; custom: JSON text). */
const toColumn = (f: OpportunityFieldEntry, value: unknown) =>
	f.kind === 'status' ? (value as OpportunityStatus).id : f.kind === 'custom' ? JSON.stringify(value) : value;

function zoneOf(options: OpportunityWriteOptions) {
	return options.timezone ? checkTimezone(options.timezone, 'timezone') : 'UTC';
}

/**
 * Creates an opportunity on a lead. Defaults: currency the default currency, status the first
 * active status, owner the lead's owner (`owner: null` for nobody). Value, confidence, close
 * date, note and custom fields may stay empty.
 */
export async function createOpportunity(
	tx: Tx,
	leadId: unknown,
	input: OpportunityFields,
	options: OpportunityWriteOptions = {},
	context: WriteContext = {},
): Promise<{ opportunity: Opportunity; lead: Lead; again?: string }> {
	// Checks first (nothing written yet), then the lead's lock, then the write.
	const zone = zoneOf(options);
	const currency = isEmpty(input.currency) ? currencyCode('currency', options.defaultCurrency || DEFAULT_CURRENCY) : currencyCode('currency', input.currency);
	const given = await columnsFrom(tx, input, currency, zone);
	const lead = await lockLead(tx, leadId);
	const earlier = await earlierWrite(tx, 'opportunity', context.sourceKey, async (id) => Boolean(await tx.s.get('SELECT 1 AS x FROM opportunities WHERE id = $1', [id])));
	if (earlier !== undefined) return { opportunity: await getOpportunity(tx, earlier), lead, again: AGAIN_REASON };
	const status = (given.get(field('status')) as OpportunityStatus | undefined) ?? (await defaultStatus(tx));
	const ownerGiven = 'owner' in input && input.owner !== undefined;
	const ownerId = ownerGiven ? (given.get(field('owner')) as number | null) : (lead.owner?.id ?? null);
	const values = new Map<OpportunityFieldEntry, unknown>(given);
	values.set(field('currency'), currency);
	values.set(field('status'), status);
	values.set(field('owner'), ownerId);
	if (!values.has(field('custom'))) values.set(field('custom'), {});
	const columns = ['lead_id', ...[...values.keys()].map((f) => f.column), 'created_at', 'updated_at'];
	const now = tx.now();
	const params = [lead.id, ...[...values].map(([f, v]) => toColumn(f, v)), now, now];
	const row = await tx.s.get<{ id: number }>(
		`INSERT INTO opportunities (${columns.join(', ')}) VALUES (${params.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
		params,
	);
	const id = Number(row!.id);
	await recordWrite(tx, 'opportunity', context.sourceKey, id);
	const value = (values.get(field('value')) as number | null | undefined) ?? null;
	await appendEvent(tx, 'opportunity.created', lead.id, { opportunityId: id, statusId: status.id, status: status.name, value, currency }, context);
	return { opportunity: await getOpportunity(tx, id), lead };
}

/** Which opportunity an update targets: one by id, or the newest / oldest on the lead. */
export type OpportunityTarget = { id: unknown; field?: string } | { which: 'newest' | 'oldest' };

export interface OpportunityUpdate {
	opportunity: Opportunity | null;
	lead: Lead;
	/** Fields that changed (status included); empty when nothing did. */
	changed: string[];
	previousStatus?: OpportunityStatus;
	/** The lead has no opportunity to update (newest / oldest): nothing was written. */
	skipped?: true;
	reason?: string;
}

/**
 * Updates an opportunity of a lead. The lead (when given) must be the opportunity's. With
 * `overwrite` off, only empty fields are filled (custom fields key by key) and the status is
 * left alone, as Update Lead leaves the stage; on (the default) every given field is replaced.
 * Newest / oldest on a lead with no opportunity: skipped, nothing written, `reason` says why.
 */
export async function updateOpportunity(
	tx: Tx,
	leadId: unknown,
	target: OpportunityTarget,
	fields: OpportunityFields,
	options: OpportunityWriteOptions & { overwrite?: boolean } = {},
	context: WriteContext = {},
): Promise<OpportunityUpdate> {
	const overwrite = options.overwrite ?? true;
	const zone = zoneOf(options);
	const newCurrency = isEmpty(fields.currency) ? null : currencyCode('currency', fields.currency);
	// The opportunity's lead, to lock before reading the opportunity for the write.
	let lockId: number;
	if ('id' in target) {
		const found = await getOpportunity(tx, target.id, target.field);
		lockId = found.leadId;
		if (!isEmpty(leadId) && parseLeadId(leadId) !== found.leadId) {
			throw conflict(
				'lead',
				`opportunity ${found.id} belongs to lead ${found.leadId}, not lead ${parseLeadId(leadId)}; choose the lead's own opportunity, or take the lead from the opportunity`,
			);
		}
	} else {
		if (target.which !== 'newest' && target.which !== 'oldest') {
			throw invalid('opportunity', `opportunity must be the newest, the oldest or one by id; got ${describe((target as { which: unknown }).which)}`);
		}
		lockId = parseLeadId(leadId);
	}
	const lead = await lockLead(tx, lockId);
	const current = 'id' in target ? await getOpportunity(tx, target.id, target.field) : await pickOpportunity(tx, lead.id, target.which);
	if (!current) {
		// Checked anyway, so bad input is an error even when there is nothing to update.
		await columnsFrom(tx, fields, newCurrency ?? DEFAULT_CURRENCY, zone);
		return { opportunity: null, lead, changed: [], skipped: true, reason: `lead ${lead.id} has no opportunity, so nothing was updated` };
	}
	const currency = newCurrency ?? current.currency;
	const given = await columnsFrom(tx, fields, currency, zone);
	const changes = new Map<OpportunityFieldEntry, unknown>();
	for (const [f, value] of given) {
		const now = (current as Record<string, unknown>)[f.name];
		if (f.kind === 'custom') {
			const merged: CustomFields = { ...(now as CustomFields) };
			for (const [key, v] of Object.entries(value as CustomFields)) if (overwrite || isEmpty(merged[key])) merged[key] = v;
			if (JSON.stringify(merged) !== JSON.stringify(now)) changes.set(f, merged);
			continue;
		}
		if (f.kind === 'status') {
			if (overwrite && (value as OpportunityStatus).id !== current.status.id) changes.set(f, value);
			continue;
		}
		if (f.kind === 'currency') {
			// Never empty, so "fill empty fields only" never changes it.
			if (overwrite && value !== current.currency) changes.set(f, value);
			continue;
		}
		const stored = f.kind === 'member' ? ((now as Opportunity['owner'])?.id ?? null) : now;
		if (!overwrite && !isEmpty(stored)) continue;
		if (stored !== value) changes.set(f, value);
	}
	// A new currency with a different minor unit would silently change the stored value's meaning.
	const currencyChange = changes.has(field('currency'));
	if (currencyChange && !given.has(field('value')) && current.value !== null && minorDigits(currency) !== minorDigits(current.currency)) {
		throw invalid('currency', `currency: changing ${current.currency} to ${currency} changes what the stored value means; give the value too`);
	}
	const changed = [...changes.keys()].map((f) => f.name);
	if (changed.length === 0) return { opportunity: current, lead, changed };
	const status = changes.get(field('status')) as OpportunityStatus | undefined;
	const depth = context.causationDepth ?? 0;
	if (status && depth > MAX_CAUSATION_DEPTH) {
		throw conflict(
			'status',
			`stopped a loop: opportunity ${current.id} would move to "${status.name}" as step ${depth} of a chain of workflows (the limit is ${MAX_CAUSATION_DEPTH}); an Opportunity Trigger workflow is changing the status that triggers it`,
		);
	}
	const sets = [...changes.keys()].map((f, i) => `${f.column} = $${i + 2}`);
	await tx.s.run(`UPDATE opportunities SET ${sets.join(', ')}, updated_at = $${sets.length + 2} WHERE id = $1`, [
		current.id,
		...[...changes].map(([f, v]) => toColumn(f, v)),
		tx.now(),
	]);
	await appendEvent(tx, 'opportunity.updated', lead.id, { opportunityId: current.id, changed }, context);
	if (status) {
		await appendEvent(
			tx,
			'opportunity.status_changed',
			lead.id,
			{ opportunityId: current.id, fromStatusId: current.status.id, fromStatus: current.status.name, toStatusId: status.id, toStatus: status.name },
			context,
		);
	}
	const opportunity = await getOpportunity(tx, current.id);
	return status ? { opportunity, lead, changed, previousStatus: current.status } : { opportunity, lead, changed };
}

export interface OpportunityQuery {
	leadId?: unknown;
	/** Status ids or names. */
	statuses?: unknown[];
	statusKind?: OpportunityStatus['kind'];
	/** A member (id or email), or 'none' for opportunities without an owner. */
	owner?: unknown;
	/** Keyset paging: opportunities with an id above this. */
	after?: number;
	limit?: number;
}

/** Opportunities in id order, filtered inside the store's SQL. */
export async function findOpportunities(tx: Tx, query: OpportunityQuery = {}): Promise<Page<Opportunity>> {
	const limit = query.limit ?? 50;
	if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalid('limit', `limit must be 1 to 1000; got ${describe(query.limit)}`);
	const params: unknown[] = [query.after ?? 0];
	const p = (v: unknown) => (params.push(v), `$${params.length}`);
	const where = ['o.id > $1'];
	if (!isEmpty(query.leadId)) where.push(`o.lead_id = ${p((await getLead(tx, query.leadId)).id)}`);
	if (query.statuses && query.statuses.length > 0) {
		const ids: number[] = [];
		for (const ref of query.statuses) ids.push((await resolveStatus(tx, ref, 'statuses')).id);
		where.push(`o.status_id IN (${ids.map(p).join(', ')})`);
	}
	if (query.statusKind) where.push(`os.kind = ${p(query.statusKind)}`);
	if (!isEmpty(query.owner)) {
		if (String(query.owner).trim().toLowerCase() === 'none') where.push('o.owner_id IS NULL');
		else where.push(`o.owner_id = ${p((await resolveMember(tx, query.owner, 'owner')).id)}`);
	}
	const rows = await tx.s.all<Row>(`${OPPORTUNITY_SELECT} WHERE ${where.join(' AND ')} ORDER BY o.id LIMIT ${p(limit + 1)}`, params);
	const items = rows.slice(0, limit).map((r) => toOpportunity(r));
	return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
}

/** Deletes an opportunity (its events stay in the outbox). */
export async function deleteOpportunity(tx: Tx, id: unknown): Promise<{ id: number; leadId: number; deleted: true }> {
	const found = await getOpportunity(tx, id);
	await lockLead(tx, found.leadId);
	await tx.s.run('DELETE FROM opportunities WHERE id = $1', [found.id]);
	return { id: found.id, leadId: found.leadId, deleted: true };
}
