/**
 * Delivery keys: the name under which a trigger hands one event (or one stale episode) to its
 * runner. n8n stores the key with the execution and refuses a second execution with the same
 * key, across the whole instance (one unique index, not per workflow), so the key names the
 * workflow, the trigger node and the subscription's activation time as well as the event:
 * a re-emit after a crash is refused, while a new store (ids start again at 1) or a fresh
 * publish gets keys of its own.
 */
import { createHash } from 'node:crypto';
import type { Subscription } from '../store/subscriptions';

/** n8n's column is varchar(255). */
const MAX_KEY_LENGTH = 255;

export type KeyedSubscription = Pick<Subscription, 'workflowId' | 'nodeId' | 'createdAt'>;

function compose(kind: string, subscription: KeyedSubscription, tail: string): string {
	const owner = `${subscription.workflowId}:${subscription.nodeId}:${subscription.createdAt}`;
	const key = `${kind}:${owner}:${tail}`;
	if (key.length <= MAX_KEY_LENGTH) return key;
	// Ids are short in n8n (16-character workflow ids, UUID node ids); a digest keeps odd ones unique.
	return `${kind}:${createHash('sha256').update(owner).digest('hex')}:${tail}`;
}

/** An event trigger's key for one event: `lead:<workflow>:<node>:<activated at>:<event id>`. */
export const eventKey = (subscription: KeyedSubscription, eventId: number) => compose('lead', subscription, String(eventId));

/** The stale trigger's key for one inactivity episode of one lead. */
export const staleKey = (subscription: KeyedSubscription, leadId: number, episode: number) =>
	compose('stale', subscription, `${leadId}:${episode}`);
