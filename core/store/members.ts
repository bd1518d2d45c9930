/** The team: members that leads and tasks are assigned to. */
import { conflict, invalid, notFound } from '../errors';
import type { Member, MemberRef } from '../model';
import { describe, LIMITS, optionalEmail, optionalText, requiredText } from '../validation';
import { bool, toMember, type Row } from './rows';
import type { Tx } from './Tx';

export async function listMembers(tx: Tx, options: { activeOnly?: boolean; search?: string } = {}): Promise<Member[]> {
	const where: string[] = [];
	const params: unknown[] = [];
	if (options.activeOnly) where.push(`active = ${tx.s.dialect === 'postgres' ? 'TRUE' : '1'}`);
	if (options.search) {
		params.push(`%${options.search.toLowerCase()}%`);
		where.push(`(lower(name) LIKE $1 OR lower(coalesce(email, '')) LIKE $1)`);
	}
	const sql = `SELECT * FROM members ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY name, id`;
	return (await tx.s.all<Row>(sql, params)).map(toMember);
}

/** A member from an id (number or digits) or an email address. */
export async function resolveMember(tx: Tx, ref: MemberRef | unknown, field = 'member'): Promise<Member> {
	const r = ref as { id?: unknown; email?: unknown };
	const key = typeof ref === 'object' && ref !== null ? (r.id ?? r.email) : ref;
	if (key === undefined || key === null || key === '') throw invalid(field, `${field} is required`);
	const byId = typeof key === 'number' || (typeof key === 'string' && /^\d+$/.test(key.trim()));
	const row = byId
		? await tx.s.get<Row>('SELECT * FROM members WHERE id = $1', [Number(key)])
		: await tx.s.get<Row>('SELECT * FROM members WHERE email = lower($1)', [String(key).trim()]);
	if (!row) throw notFound(field, `${field}: no team member with ${byId ? `id ${Number(key)}` : `email ${describe(key)}`}`);
	return toMember(row);
}

export async function createMember(tx: Tx, input: { name: unknown; email?: unknown; active?: unknown }): Promise<Member> {
	const name = requiredText('name', input.name, LIMITS.name);
	const email = optionalEmail('email', input.email);
	if (email) await assertEmailFree(tx, email);
	const active = input.active === undefined ? true : bool(input.active) || input.active === 'true';
	const row = await tx.s.get<Row>(
		'INSERT INTO members (name, email, active, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING *',
		[name, email, active, tx.now()],
	);
	return toMember(row!);
}

export async function updateMember(
	tx: Tx,
	ref: MemberRef,
	input: { name?: unknown; email?: unknown; active?: unknown },
): Promise<Member> {
	const member = await resolveMember(tx, ref);
	const name = optionalText('name', input.name, LIMITS.name) ?? member.name;
	const email = input.email === undefined ? member.email : optionalEmail('email', input.email);
	if (email && email !== member.email) await assertEmailFree(tx, email);
	const active = input.active === undefined || input.active === null ? member.active : bool(input.active) || input.active === 'true';
	await tx.s.run('UPDATE members SET name = $2, email = $3, active = $4, updated_at = $5 WHERE id = $1', [
		member.id,
		name,
		email,
		active,
		tx.now(),
	]);
	return resolveMember(tx, member.id);
}

async function assertEmailFree(tx: Tx, email: string) {
	if (await tx.s.get('SELECT id FROM members WHERE email = $1', [email])) {
		throw conflict('email', `a team member with email ${email} exists already`);
	}
}
