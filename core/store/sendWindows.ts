/**
 * Named send windows, shared by name across workflows like pools: a node that gives hours
 * saves its definition under the name (the latest definition wins); one that gives none uses
 * the stored one, so a holiday is added in one place.
 */
import { notFound } from '../errors';
import { parseSendWindow, windowName, type SendWindowDefinition } from '../sendWindow/definition';
import { describe } from '../validation';
import type { Row } from './rows';
import type { Tx } from './Tx';

export interface SendWindow extends SendWindowDefinition {
	id: number;
	createdAt: number;
	updatedAt: number;
}

const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

const toWindow = (r: Row): SendWindow => ({
	id: Number(r.id),
	name: String(r.name),
	timezone: r.timezone === null || r.timezone === undefined ? null : String(r.timezone),
	hours: json(r.hours),
	blackouts: json(r.blackouts),
	createdAt: Number(r.created_at),
	updatedAt: Number(r.updated_at),
});

/** Saves a window under its name (any case matches); checked first, so a bad one writes nothing. */
export async function defineSendWindow(tx: Tx, input: { name: unknown; timezone?: unknown; hours: unknown; blackouts?: unknown }): Promise<SendWindow> {
	const def = parseSendWindow(input);
	const now = tx.now();
	const existing = await tx.s.get<Row>('SELECT id FROM send_windows WHERE lower(name) = lower($1)', [def.name]);
	const values = [def.name, def.timezone, JSON.stringify(def.hours), JSON.stringify(def.blackouts), now];
	if (existing) {
		await tx.s.run('UPDATE send_windows SET name = $1, timezone = $2, hours = $3, blackouts = $4, updated_at = $5 WHERE id = $6', [...values, existing.id]);
	} else {
		await tx.s.run('INSERT INTO send_windows (name, timezone, hours, blackouts, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)', values);
	}
	return getSendWindow(tx, def.name);
}

export async function getSendWindow(tx: Tx, name: unknown, field = 'window'): Promise<SendWindow> {
	const key = windowName(name, field);
	const row = await tx.s.get<Row>('SELECT * FROM send_windows WHERE lower(name) = lower($1)', [key]);
	if (!row) throw notFound(field, `${field}: no send window named ${describe(key)}; give its open hours once to define it`);
	return toWindow(row);
}

export async function listSendWindows(tx: Tx): Promise<SendWindow[]> {
	return (await tx.s.all<Row>('SELECT * FROM send_windows ORDER BY lower(name)')).map(toWindow);
}
