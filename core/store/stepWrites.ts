/**
 * What a workflow step creates once per cause. A trigger's event can reach a step twice: the run
 * was lost (a queue-mode worker died and n8n failed the run as stalled), so the trigger handed
 * the event over again, or a user retried a run that crashed after its writes had committed.
 * The nodes name each write's cause (WriteContext.sourceKey: workflow, node, run, item, event);
 * a step that finds what its cause created before returns that instead of creating it again.
 * Callers hold the lead's lock, so two runs of one cause cannot both miss each other's write.
 */
import type { Statement } from '../sql/SqlDriver';
import type { Row } from './rows';
import type { Tx } from './Tx';

export type StepWriteKind = 'task' | 'note' | 'opportunity';

/** The id of what `key` created before, if it did (and `exists` still finds it). */
export async function earlierWrite(tx: Tx, kind: StepWriteKind, key: string | undefined, exists: (id: number) => Promise<boolean>): Promise<number | undefined> {
	if (!key) return undefined;
	const row = await tx.s.get<Row>('SELECT entity_id FROM step_writes WHERE key = $1 AND kind = $2', [key, kind]);
	if (!row) return undefined;
	const id = Number(row.entity_id);
	return (await exists(id)) ? id : undefined;
}

/** Records that `key` created `id` (replacing a record whose entity was deleted since). */
export async function recordWrite(tx: Tx, kind: StepWriteKind, key: string | undefined, id: number): Promise<void> {
	if (!key) return;
	await tx.s.run(...writeStatement(tx, kind, key, id));
}

function writeStatement(tx: Tx, kind: StepWriteKind, key: string, id: number): Statement {
	return [
		`INSERT INTO step_writes (key, kind, entity_id, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key, kind) DO UPDATE SET entity_id = excluded.entity_id, created_at = excluded.created_at`,
		[key, kind, id, tx.now()],
	];
}

/** Why a step returned what it created before. */
export const AGAIN_REASON = 'created for this event by an earlier run of this step (a re-delivery or retry); not created twice';
