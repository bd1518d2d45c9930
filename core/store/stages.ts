/** The pipeline's stages: listed in order, created, renamed, re-kinded and reordered. */
import { conflict, invalid, notFound } from '../errors';
import type { Stage, StageKind, StageRef } from '../model';
import { describe, LIMITS, optionalText, requiredText, stageKind } from '../validation';
import { toStage, type Row } from './rows';
import type { Tx } from './Tx';

export async function listStages(tx: Tx): Promise<Stage[]> {
	return (await tx.s.all<Row>('SELECT * FROM stages ORDER BY position, id')).map(toStage);
}

/**
 * A stage from its id (number or digits) or its name (any case). Unknown → not_found naming
 * `field`, and the names that do exist, so a typo is easy to see.
 */
/**
 * Stages read by id within one transaction (a 10,000-item stage update names the same stage
 * 10,000 times). Any stage write in the transaction forgets them.
 */
const stagesById = new WeakMap<object, Map<number, Stage>>();
const forgetStages = (tx: Tx) => stagesById.delete(tx.s);

export async function resolveStage(tx: Tx, ref: StageRef | unknown, field = 'stage'): Promise<Stage> {
	const r = ref as { id?: unknown; name?: unknown };
	const key = typeof ref === 'object' && ref !== null ? (r.id ?? r.name) : ref;
	if (key === undefined || key === null || key === '') throw invalid(field, `${field} is required`);
	let row: Row | undefined;
	if (typeof key === 'number' || (typeof key === 'string' && /^\d+$/.test(key.trim()))) {
		const id = Number(key);
		const cached = stagesById.get(tx.s)?.get(id);
		if (cached) return cached;
		row = await tx.s.get<Row>('SELECT * FROM stages WHERE id = $1', [id]);
		if (row) {
			const stage = toStage(row);
			if (!stagesById.has(tx.s)) stagesById.set(tx.s, new Map());
			stagesById.get(tx.s)!.set(id, stage);
			return stage;
		}
	}
	if (!row && typeof key === 'string') {
		row = await tx.s.get<Row>('SELECT * FROM stages WHERE lower(name) = lower($1)', [key.trim()]);
	}
	if (!row) {
		const names = (await listStages(tx)).map((s) => s.name).join(', ');
		throw notFound(field, `${field}: no stage ${describe(key)}; the stages are ${names}`);
	}
	return toStage(row);
}

export async function defaultStage(tx: Tx): Promise<Stage> {
	const row = await tx.s.get<Row>(`SELECT * FROM stages WHERE kind = 'open' ORDER BY position, id LIMIT 1`);
	if (!row) throw conflict('stage', 'the pipeline has no open stage to put a new lead in');
	return toStage(row);
}

export async function createStage(tx: Tx, input: { name: unknown; kind?: unknown; position?: unknown }): Promise<Stage> {
	forgetStages(tx);
	const name = requiredText('name', input.name, LIMITS.stageName);
	const kind: StageKind = input.kind === undefined || input.kind === '' ? 'open' : stageKind('kind', input.kind);
	await assertNameFree(tx, name);
	const last = await tx.s.get<{ p: number | null }>('SELECT MAX(position) AS p FROM stages');
	const count = Number(last?.p ?? 0);
	const position = input.position === undefined || input.position === null || input.position === '' ? count + 1 : Number(input.position);
	if (!Number.isInteger(position) || position < 1) throw invalid('position', `position must be a whole number from 1; got ${describe(input.position)}`);
	// Make room: stages at or after the requested position move down one.
	await tx.s.run('UPDATE stages SET position = position + 1, updated_at = $2 WHERE position >= $1', [position, tx.now()]);
	const row = await tx.s.get<Row>(
		'INSERT INTO stages (name, kind, position, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING *',
		[name, kind, position, tx.now()],
	);
	await renumber(tx);
	forgetStages(tx);
	return resolveStage(tx, Number(row!.id));
}

export async function updateStage(tx: Tx, ref: StageRef, input: { name?: unknown; kind?: unknown }): Promise<Stage> {
	forgetStages(tx);
	const stage = await resolveStage(tx, ref);
	const name = optionalText('name', input.name, LIMITS.stageName) ?? stage.name;
	const kind = input.kind === undefined || input.kind === '' ? stage.kind : stageKind('kind', input.kind);
	if (name.toLowerCase() !== stage.name.toLowerCase()) await assertNameFree(tx, name);
	if (kind !== 'open' && stage.kind === 'open') {
		const open = await tx.s.get<{ n: number }>(`SELECT COUNT(*) AS n FROM stages WHERE kind = 'open' AND id <> $1`, [stage.id]);
		if (Number(open?.n) === 0) throw conflict('kind', 'the pipeline must keep at least one open stage');
	}
	await tx.s.run('UPDATE stages SET name = $2, kind = $3, updated_at = $4 WHERE id = $1', [stage.id, name, kind, tx.now()]);
	forgetStages(tx);
	return { ...stage, name, kind };
}

/** Puts the given stages first, in the given order; stages not named keep their order after them. */
export async function reorderStages(tx: Tx, refs: StageRef[]): Promise<Stage[]> {
	forgetStages(tx);
	if (!Array.isArray(refs) || refs.length === 0) throw invalid('order', 'order must name at least one stage');
	const named: Stage[] = [];
	for (const [i, ref] of refs.entries()) {
		const stage = await resolveStage(tx, ref, `order[${i}]`);
		if (named.some((s) => s.id === stage.id)) throw invalid(`order[${i}]`, `order names stage "${stage.name}" twice`);
		named.push(stage);
	}
	const rest = (await listStages(tx)).filter((s) => !named.some((n) => n.id === s.id));
	const ordered = [...named, ...rest];
	for (const [i, stage] of ordered.entries()) {
		await tx.s.run('UPDATE stages SET position = $2, updated_at = $3 WHERE id = $1', [stage.id, i + 1, tx.now()]);
	}
	forgetStages(tx);
	return listStages(tx);
}

async function assertNameFree(tx: Tx, name: string) {
	const clash = await tx.s.get<Row>('SELECT id FROM stages WHERE lower(name) = lower($1)', [name]);
	if (clash) throw conflict('name', `a stage named "${name}" exists already`);
}

async function renumber(tx: Tx) {
	const stages = await listStages(tx);
	for (const [i, s] of stages.entries()) {
		if (s.position !== i + 1) await tx.s.run('UPDATE stages SET position = $2 WHERE id = $1', [s.id, i + 1]);
	}
}
