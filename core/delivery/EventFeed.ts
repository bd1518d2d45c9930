/**
 * Delivery for one event trigger node: reads its events after the cursor, in order and in
 * batches, and hands the matching ones to `emit`. The cursor moves only after emit resolves
 * (at-least-once to emit; n8n's emit just starts an execution, so once per event in practice)
 * and is saved in the store after each emitted event, so a restart repeats nothing it finished.
 *
 * Wake-ups: the store's commit notices (in-process hub on SQLite, LISTEN/NOTIFY on PostgreSQL)
 * plus a catch-up poll for what notices miss (other processes on SQLite; a dropped LISTEN).
 */
import type { LeadStore } from '../store/LeadStore';
import { isAfter, type EventPosition } from '../store/events';
import { openSubscription, saveCursor, type StartFrom, type Subscription } from '../store/subscriptions';
import { resolveEventCriteria, type EventCriteria, type EventCriteriaInput } from './criteria';
import { readEventWindow } from './eventQuery';
import type { DeliveredEvent } from './payload';
import { Pump } from './pump';

export interface DeliveryHandlers<T> {
	/** Called with one item ('each', the default) or one batch ('batch'); the cursor moves once it resolves. */
	emit(items: T[]): void | Promise<void>;
	emitMode?: 'each' | 'batch';
	/** Told of every failed attempt (emit threw, store unreachable); delivery retries with backoff. */
	onError?(error: Error, info: { attempt: number; retryInMs: number }): void;
	retryInitialMs?: number;
	retryMaxMs?: number;
}

export interface EventFeedOptions extends DeliveryHandlers<DeliveredEvent> {
	workflowId: string;
	nodeId: string;
	startFrom: StartFrom;
	/** Resuming skips events older than this (default 24 h). */
	catchUpWindowMs?: number;
	criteria: EventCriteriaInput;
	/** Events read per query (default 100). */
	batchSize?: number;
	/** Catch-up poll (default 200 ms on SQLite, 1 s on PostgreSQL, where NOTIFY does the work). */
	pollIntervalMs?: number;
}

export const DEFAULT_POLL_MS = { sqlite: 200, postgres: 1_000 } as const;

export class EventFeed {
	private position: EventPosition;
	private saved: EventPosition;
	private closed = false;
	private unlisten: (() => Promise<void>) | undefined;
	private readonly pump: Pump;

	private constructor(
		private readonly store: LeadStore,
		readonly subscription: Subscription,
		readonly criteria: EventCriteria,
		private readonly options: EventFeedOptions,
	) {
		this.position = this.saved = subscription.cursor;
		this.pump = new Pump(() => this.deliverNext(), {
			pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_MS[store.backend],
			retryInitialMs: options.retryInitialMs,
			retryMaxMs: options.retryMaxMs,
			onError: options.onError,
		});
	}

	/**
	 * Checks the criteria, opens (or resumes) the subscription and starts delivering. Throws on
	 * bad criteria or an unreachable store: the trigger's activation error.
	 */
	static async start(store: LeadStore, options: EventFeedOptions): Promise<EventFeed> {
		const { subscription, criteria } = await store.transaction(async (ops) => {
			const criteria = await resolveEventCriteria(ops.tx, options.criteria);
			const subscription = await openSubscription(ops.tx, {
				workflowId: options.workflowId,
				nodeId: options.nodeId,
				kind: criteria.kind,
				startFrom: options.startFrom,
				catchUpWindowMs: options.catchUpWindowMs,
			});
			return { subscription, criteria };
		});
		const feed = new EventFeed(store, subscription, criteria, options);
		feed.unlisten = await store.onEventsCommitted(() => feed.pump.wake());
		feed.pump.start();
		return feed;
	}

	/** The position of the last event handled (delivered or skipped) by this feed. */
	get cursor() {
		return this.position;
	}

	/** Looks for events now (tests; the nodes never need it). */
	wake() {
		this.pump.wake();
	}

	/** Resolves when the feed has nothing in hand (tests use it to wait for delivery). */
	idle() {
		return this.pump.idle();
	}

	/** Stops listening, polling and retrying; waits for an emit in progress. Safe to call twice. */
	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		await this.unlisten?.().catch(() => undefined);
		await this.pump.close();
		// Skipped events may have moved the position past the saved cursor; keep that if we can.
		await this.persist().catch(() => undefined);
	}

	private async deliverNext(): Promise<boolean> {
		const limit = this.options.batchSize ?? 100;
		const window = await this.store.read((ops) =>
			readEventWindow(ops.tx, { after: this.position, skipBefore: this.subscription.skipBefore, criteria: this.criteria, limit }),
		);
		if (window.upper === null) {
			await this.persist(); // a save that failed earlier
			return false;
		}
		if (this.options.emitMode === 'batch') {
			if (window.events.length > 0) await this.options.emit(window.events);
		} else {
			for (const event of window.events) {
				if (this.closed) return false; // closed mid-batch: deliver no more; the rest waits for a restart
				await this.options.emit([event]);
				this.position = event.position;
				await this.persist();
			}
		}
		this.position = window.upper;
		await this.persist();
		return window.scanned >= limit;
	}

	private async persist() {
		const target = this.position;
		if (!isAfter(target, this.saved)) return;
		await this.store.bookkeeping((ops) => saveCursor(ops.tx, this.subscription.id, target));
		if (isAfter(target, this.saved)) this.saved = target;
	}
}

/** Opens a trigger's subscription and starts delivering (see EventFeed). */
export function startEventFeed(store: LeadStore, options: EventFeedOptions): Promise<EventFeed> {
	return EventFeed.start(store, options);
}
