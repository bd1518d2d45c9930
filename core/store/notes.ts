/**
 * Notes on a lead. Internal: a note is not an activity, so it leaves last_activity_at and the
 * inactivity episode alone (else a stale-lead workflow that writes a note would reset itself).
 */
import type { Lead, Note, WriteContext } from '../model';
import { LIMITS, requiredText } from '../validation';
import { appendEvent } from './events';
import { getLead, lockLead } from './leads';
import { bool, toNote, type Row } from './rows';
import { AGAIN_REASON, earlierWrite, recordWrite } from './stepWrites';
import type { Tx } from './Tx';

export interface NoteInput {
	content: unknown;
	pinned?: unknown;
}

export async function createNote(
	tx: Tx,
	leadId: unknown,
	input: NoteInput,
	context: WriteContext = {},
): Promise<{ note: Note; lead: Lead; again?: string }> {
	const content = requiredText('content', input.content, LIMITS.noteContent);
	const pinned = bool(input.pinned) || input.pinned === 'true';
	const lead = await lockLead(tx, leadId);
	const noteById = (id: number) => tx.s.get<Row>('SELECT * FROM notes WHERE id = $1', [id]);
	const earlier = await earlierWrite(tx, 'note', context.sourceKey, async (id) => Boolean(await noteById(id)));
	if (earlier !== undefined) return { note: toNote((await noteById(earlier))!), lead, again: AGAIN_REASON };
	const row = await tx.s.get<Row>(
		'INSERT INTO notes (lead_id, content, pinned, created_at) VALUES ($1, $2, $3, $4) RETURNING *',
		[lead.id, content, pinned, tx.now()],
	);
	const note = toNote(row!);
	await recordWrite(tx, 'note', context.sourceKey, note.id);
	await appendEvent(tx, 'note.created', lead.id, { noteId: note.id, pinned }, context);
	return { note, lead };
}

/** Pinned notes first, then newest first. */
export async function listNotes(tx: Tx, leadId: unknown): Promise<Note[]> {
	const lead = await getLead(tx, leadId);
	const rows = await tx.s.all<Row>('SELECT * FROM notes WHERE lead_id = $1 ORDER BY pinned DESC, created_at DESC, id DESC', [lead.id]);
	return rows.map(toNote);
}
