/**
 * Opportunity statuses: a configurable list, like the pipeline's stages, whose kinds are active,
 * won and lost. Seeded Active, Won, Lost. Names are unique ignoring case; the list always keeps
 * at least one active status (new opportunities start in the first one).
 */
import { conflict, invalid, notFound } from '../errors';
import { OPPORTUNITY_STATUS_KINDS, type OpportunityStatus, type OpportunityStatusKind, type OpportunityStatusRef } from '../model';
import { describe, LIMITS, oneOf, optionalText, requiredText } from '../validation';
import type { Row } from './rows';
import type { Tx } from './Tx';

export const toStatus = (r: Row): OpportunityStatus => ({
	id: Number(r.id),
	name: String(r.name),
	kind: r.kind as OpportunityStatusKind,
	position: Number(r.position),
});

const statusKind = (field: string, value: unknown) => oneOf(field, value, OPPORTUNITY_STATUS_KINDS);

export async function listStatuses(tx: Tx): Promise<OpportunityStatus[]> {
	return (await tx.s.all<Row>('SELECT * FROM opportunity_statuses ORDER BY position, id')).map(toStatus);
}

/** A status from its id (number or digits) or its name (any case); unknown names the ones that exist. */
export async function resolveStatus(tx: Tx, ref: OpportunityStatusRef | unknown, field = 'status'): Promise<OpportunityStatus> {
	const r = ref as { id?: unknown; name?: unknown };
	const key = typeof ref === 'object' && ref !== null ? (r.id ?? r.name) : ref;
	if (key === undefined || key === null || key === '') throw invalid(field, `${field} is required`);
	let row: Row | undefined;
	if (typeof key === 'number' || (typeof key === 'string' && /^\d+$/.test(key.trim()))) {
		row = await tx.s.get<Row>('SELECT * FROM opportunity_statuses WHERE id = $1', [Number(key)]);
	}
	if (!row && typeof key === 'string') {
		row = await tx.s.get<Row>('SELECT * FROM opportunity_statuses WHERE lower(name) = lower($1)', [key.trim()]);
	}
	if (!row) {
		const names = (await listStatuses(tx)).map((s) => s.name).join(', ');
		throw notFound(field, `${field}: no opportunity status ${describe(key)}; the statuses are ${names}`);
	}
	return toStatus(row);
}

export async function defaultStatus(tx: Tx): Promise<OpportunityStatus> {
	const row = await tx.s.get<Row>(`SELECT * FROM opportunity_statuses WHERE kind = 'active' ORDER BY position, id LIMIT 1`);
	if (!row) throw conflict('status', 'there is no active opportunity status to start a new opportunity in');
	return toStatus(row);
}

export async function createStatus(tx: Tx, input: { name: unknown; kind?: unknown; position?: unknown }): Promise<OpportunityStatus> {
	const name = requiredText('name', input.name, LIMITS.stageName);
	const kind: OpportunityStatusKind = input.kind === undefined || input.kind === '' ? 'active' : statusKind('kind', input.kind);
	await assertNameFree(tx, name);
	const last = await tx.s.get<{ p: number | null }>('SELECT MAX(position) AS p FROM opportunity_statuses');
	const count = Number(last?.p ?? 0);
	const position = input.position === undefined || input.position === null || input.position === '' ? count + 1 : Number(input.position);
	if (!Number.isInteger(position) || position < 1) throw invalid('position', `position must be a whole number from 1; got ${describe(input.position)}`);
	await tx.s.run('UPDATE opportunity_statuses SET position = position + 1, updated_at = $2 WHERE position >= $1', [position, tx.now()]);
	const row = await tx.s.get<Row>(
		'INSERT INTO opportunity_statuses (name, kind, position, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id',
		[name, kind, position, tx.now()],
	);
	await renumber(tx);
	return resolveStatus(tx, Number(row!.id));
}

export async function updateStatus(tx: Tx, ref: OpportunityStatusRef, input: { name?: unknown; kind?: unknown }): Promise<OpportunityStatus> {
	const status = await resolveStatus(tx, ref);
	const name = optionalText('name', input.name, LIMITS.stageName) ?? status.name;
	const kind = input.kind === undefined || input.kind === '' ? status.kind : statusKind('kind', input.kind);
	if (name.toLowerCase() !== status.name.toLowerCase()) await assertNameFree(tx, name);
	if (kind !== 'active' && status.kind === 'active') {
		const active = await tx.s.get<{ n: number }>(`SELECT COUNT(*) AS n FROM opportunity_statuses WHERE kind = 'active' AND id <> $1`, [status.id]);
		if (Number(active?.n) === 0) throw conflict('kind', 'the opportunity statuses must keep at least one active status');
	}
	await tx.s.run('UPDATE opportunity_statuses SET name = $2, kind = $3, updated_at = $4 WHERE id = $1', [status.id, name, kind, tx.now()]);
	return { ...status, name, kind };
}

/** Puts the given statuses first, in the given order; the others keep their order after them. */
export async function reorderStatuses(tx: Tx, refs: OpportunityStatusRef[]): Promise<OpportunityStatus[]> {
	if (!Array.isArray(refs) || refs.length === 0) throw invalid('order', 'order must name at least one status');
	const named: OpportunityStatus[] = [];
	for (const [i, ref] of refs.entries()) {
		const status = await resolveStatus(tx, ref, `order[${i}]`);
		if (named.some((s) => s.id === status.id)) throw invalid(`order[${i}]`, `order names status "${status.name}" twice`);
		named.push(status);
	}
	const rest = (await listStatuses(tx)).filter((s) => !named.some((n) => n.id === s.id));
	for (const [i, status] of [...named, ...rest].entries()) {
		await tx.s.run('UPDATE opportunity_statuses SET position = $2, updated_at = $3 WHERE id = $1', [status.id, i + 1, tx.now()]);
	}
	return listStatuses(tx);
}

async function assertNameFree(tx: Tx, name: string) {
	const clash = await tx.s.get<Row>('SELECT id FROM opportunity_statuses WHERE lower(name) = lower($1)', [name]);
	if (clash) throw conflict('name', `an opportunity status named "${name}" exists already`);
}

async function renumber(tx: Tx) {
	for (const [i, s] of (await listStatuses(tx)).entries()) {
		if (s.position !== i + 1) await tx.s.run('UPDATE opportunity_statuses SET position = $2 WHERE id = $1', [s.id, i + 1]);
	}
}
