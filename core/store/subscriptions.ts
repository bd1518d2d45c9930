/**
 * Trigger subscriptions: one row per active trigger node (workflow id + node id) holding its
 * event cursor. The cursor lives in the store, not in n8n's workflow static data, because
 * static data is last-writer-wins, not saved in manual runs, and can be lost across a restart.
 */
import { invalid } from '../errors';
import { describe } from '../validation';
import { isAfter, latestPosition, type EventPosition } from './events';
import type { Row } from './rows';
import type { Tx } from './Tx';

export const SUBSCRIPTION_KINDS = [
	'lead.created',
	'lead.stage_changed',
	'lead.stale',
	'opportunity.created',
	'opportunity.status_changed',
	'opportunity.updated',
] as const;
export type SubscriptionKind = (typeof SUBSCRIPTION_KINDS)[number];

/**
 * Where a subscription starts. `now`: a fresh activation (publish); the cursor is reset to the
 * latest event, so history is never replayed. `resume`: n8n restarted or the active workflow was
 * saved; delivery goes on from the stored cursor, within the catch-up window.
 */
export type StartFrom = 'now' | 'resume';

/** Events older than this when a trigger resumes are skipped (it was down too long). */
export const DEFAULT_CATCH_UP_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface OpenSubscriptionInput {
	workflowId: string;
	nodeId: string;
	kind: SubscriptionKind;
	startFrom: StartFrom;
	/** Default 24 hours. Only used when resuming. */
	catchUpWindowMs?: number;
}

export interface Subscription {
	id: number;
	workflowId: string;
	nodeId: string;
	kind: SubscriptionKind;
	/** The position of the last event handled (delivered or skipped); see store/events.ts. */
	cursor: EventPosition;
	/** When the trigger was last activated (published); stale "only after activation" counts from here. */
	createdAt: number;
	updatedAt: number;
	/** Events that occurred before this time are not delivered (the catch-up window; 0 = none). */
	skipBefore: number;
	/** True when this open resumed an existing cursor. */
	resumed: boolean;
}

/**
 * n8n's activation mode → where to start: `activate` (a user publishes) starts from now;
 * `init` (n8n starts with the workflow active) and `update` (the active workflow was saved)
 * resume. `manual` (the editor's test run) has no subscription: it samples instead.
 */
export function startFromActivationMode(mode: string): StartFrom | null {
	if (mode === 'manual') return null;
	if (mode === 'activate') return 'now';
	// init (n8n start), update (a save), leadershipChange (another main took over): the trigger
	// was published all along, so it carries on from its cursor.
	return 'resume';
}

const toSubscription = (r: Row, skipBefore: number, resumed: boolean): Subscription => ({
	id: Number(r.id),
	workflowId: String(r.workflow_id),
	nodeId: String(r.node_id),
	kind: r.kind as SubscriptionKind,
	cursor: { xid: Number(r.cursor_xid ?? 0), id: Number(r.cursor) },
	createdAt: Number(r.created_at),
	updatedAt: Number(r.updated_at),
	skipBefore,
	resumed,
});

function key(field: string, value: unknown): string {
	if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
		throw invalid(field, `${field} must be a non-empty text of at most 200 characters; got ${describe(value)}`);
	}
	return value;
}

export async function openSubscription(tx: Tx, input: OpenSubscriptionInput): Promise<Subscription> {
	const workflowId = key('workflowId', input.workflowId);
	const nodeId = key('nodeId', input.nodeId);
	if (!(SUBSCRIPTION_KINDS as readonly string[]).includes(input.kind)) {
		throw invalid('kind', `kind must be one of ${SUBSCRIPTION_KINDS.join(', ')}; got ${describe(input.kind)}`);
	}
	if (input.startFrom !== 'now' && input.startFrom !== 'resume') {
		throw invalid('startFrom', `startFrom must be "now" or "resume"; got ${describe(input.startFrom)}`);
	}
	const window = input.catchUpWindowMs ?? DEFAULT_CATCH_UP_WINDOW_MS;
	if (typeof window !== 'number' || !Number.isFinite(window) || window < 0) {
		throw invalid('catchUpWindowMs', `catchUpWindowMs must be a number of milliseconds, 0 or more; got ${describe(input.catchUpWindowMs)}`);
	}
	const now = tx.now();
	const latest = await latestPosition(tx);
	const existing = await findSubscription(tx, workflowId, nodeId);
	if (input.startFrom === 'resume' && existing && existing.kind === input.kind) {
		// A cursor past the newest event means the events table was replaced (a restore):
		// fall back to the newest event so new ones are not ignored until the ids catch up.
		const cursor = isAfter(existing.cursor, latest) ? latest : existing.cursor;
		const row = await tx.s.get<Row>('UPDATE subscriptions SET cursor_xid = $2, cursor = $3, updated_at = $4 WHERE id = $1 RETURNING *', [
			existing.id,
			cursor.xid,
			cursor.id,
			now,
		]);
		return toSubscription(row!, now - window, true);
	}
	// Fresh start (or nothing to resume): from the newest event on; created_at = activation.
	// Marks in stale_fired stay: an episode that already fired for this node never fires again.
	const row = await tx.s.get<Row>(
		`INSERT INTO subscriptions (workflow_id, node_id, kind, cursor_xid, cursor, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)
		ON CONFLICT (workflow_id, node_id) DO UPDATE SET kind = excluded.kind, cursor_xid = excluded.cursor_xid, cursor = excluded.cursor,
			created_at = excluded.created_at, updated_at = excluded.updated_at
		RETURNING *`,
		[workflowId, nodeId, input.kind, latest.xid, latest.id, now],
	);
	// On PostgreSQL an event committed just before publishing may still sit behind a transaction
	// that has not settled, so the cursor alone could let it through: it occurred before now,
	// and publishing never replays history.
	return toSubscription(row!, now, false);
}

export async function findSubscription(tx: Tx, workflowId: string, nodeId: string): Promise<Subscription | null> {
	const row = await tx.s.get<Row>('SELECT * FROM subscriptions WHERE workflow_id = $1 AND node_id = $2', [workflowId, nodeId]);
	return row ? toSubscription(row, 0, false) : null;
}

/** Moves the cursor forward only: a slower, older instance can never move it back. */
export async function saveCursor(tx: Tx, subscriptionId: number, cursor: EventPosition): Promise<void> {
	await tx.s.run(
		`UPDATE subscriptions SET cursor_xid = $2, cursor = $3, updated_at = $4
		WHERE id = $1 AND (cursor_xid < $2 OR (cursor_xid = $2 AND cursor < $3))`,
		[subscriptionId, cursor.xid, cursor.id, tx.now()],
	);
}

/** Forgets a subscription and its stale marks (n8n does not say when a workflow is deleted). */
export async function deleteSubscription(tx: Tx, workflowId: string, nodeId: string): Promise<boolean> {
	const sub = await findSubscription(tx, workflowId, nodeId);
	if (!sub) return false;
	await tx.s.run('DELETE FROM stale_fired WHERE subscription_id = $1', [sub.id]);
	await tx.s.run('DELETE FROM subscriptions WHERE id = $1', [sub.id]);
	return true;
}
