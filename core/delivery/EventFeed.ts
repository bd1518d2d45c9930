/**
 * Delivery for one event trigger node: reads its events after the cursor, in order and in
 * batches, and hands each matching one to `emit` under its delivery key (deliveryKey.ts). Up to
 * `maxInFlight` hand-overs are open at once; the saved cursor only moves past events whose
 * hand-over settled (the run ended, or the runner refused the key as already run), so it is
 * the highest id with every earlier matching event settled. After a crash, everything after the
 * cursor is handed over again with the same keys: the runner refuses what it already took and
 * runs the rest, so each event gets exactly one run. A hand-over that fails is reported and
 * sent again, same key, with backoff.
 *
 * Wake-ups: the store's commit notices (in-process hub on SQLite, LISTEN/NOTIFY on PostgreSQL)
 * plus a catch-up poll for what notices miss (other processes on SQLite; a dropped LISTEN).
 */
import type { LeadStore } from '../store/LeadStore';
import { isAfter, type EventPosition } from '../store/events';
import { openSubscription, saveCursor, type StartFrom, type Subscription } from '../store/subscriptions';
import { resolveEventCriteria, type EventCriteria, type EventCriteriaInput } from './criteria';
import { eventKey } from './deliveryKey';
import { readEventWindow } from './eventQuery';
import type { DeliveredEvent } from './payload';
import { Pump } from './pump';

export interface DeliveryHandlers<T> {
	/**
	 * Hands one item (a one-item array) to the runner under its delivery key. The promise resolves
	 * once the item is taken for certain: its run ended, or the runner refused the key because a
	 * run with it exists. It rejects (or emit throws) when the hand-over failed: the item is
	 * handed over again later with the same key.
	 */
	emit(items: T[], key: string): void | Promise<void>;
	/** Hand-overs open at once (default 32): the bound on runs a trigger has in progress. */
	maxInFlight?: number;
	/** Told of every failed attempt (a hand-over failed, store unreachable); delivery retries with backoff. */
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
export const DEFAULT_MAX_IN_FLIGHT = 32;

/** The position right before an event: ids are whole numbers, so nothing lies between. */
const justBefore = (p: EventPosition): EventPosition => ({ xid: p.xid, id: p.id - 1 });

export class EventFeed {
	/** Every event up to here was read: handed over, waiting in `pending`, or not wanted. */
	private position: EventPosition;
	private saved: EventPosition;
	/** Read, not handed over yet (the window was full), in order. */
	private pending: DeliveredEvent[] = [];
	/** Handed over and not settled, by event id. */
	private readonly inFlight = new Map<number, DeliveredEvent>();
	/** Hand-overs that failed: sent again (same key) once the pump's backoff ends. */
	private failed: DeliveredEvent[] = [];
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

	/**
	 * Where a restart would resume: right before the oldest event not settled (in flight, failed
	 * or still waiting for room), or the read position when nothing is open.
	 */
	get cursor(): EventPosition {
		let oldest: EventPosition | null = this.pending.length > 0 ? this.pending[0].position : null;
		for (const event of this.inFlight.values()) {
			if (oldest === null || isAfter(oldest, event.position)) oldest = event.position;
		}
		return oldest === null ? this.position : justBefore(oldest);
	}

	/** Hand-overs open now (tests). */
	get inFlightCount() {
		return this.inFlight.size;
	}

	/** Looks for events now (tests; the nodes never need it). */
	wake() {
		this.pump.wake();
	}

	/** Resolves once nothing is in hand: every hand-over settled (tests use it to wait for delivery). */
	async idle(): Promise<void> {
		for (;;) {
			await this.pump.idle();
			if (this.closed || (this.inFlight.size === 0 && this.pending.length === 0)) return;
			await new Promise((resolve) => setTimeout(resolve, 5));
		}
	}

	/**
	 * Stops listening, polling and retrying, and saves the cursor. Open hand-overs are not waited
	 * for (a run may take long): the next start hands them over again under the same keys, and
	 * the runner refuses those it already took. Safe to call twice.
	 */
	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		await this.unlisten?.().catch(() => undefined);
		await this.pump.close();
		await this.persist().catch(() => undefined);
	}

	private get room() {
		return (this.options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT) - this.inFlight.size;
	}

	private fill() {
		while (this.pending.length > 0 && this.room > 0 && !this.closed) this.handOver(this.pending.shift()!);
	}

	private async deliverNext(): Promise<boolean> {
		for (const event of this.failed.splice(0)) this.handOver(event);
		this.fill();
		let more = false;
		if (this.pending.length === 0 && this.room > 0 && !this.closed) {
			const limit = this.options.batchSize ?? 100;
			const window = await this.store.read((ops) =>
				readEventWindow(ops.tx, { after: this.position, skipBefore: this.subscription.skipBefore, criteria: this.criteria, limit }),
			);
			if (window.upper !== null) {
				this.pending.push(...window.events);
				this.position = window.upper;
				this.fill();
				// A full read may have more behind it; a full window is woken by the next settle.
				more = window.scanned >= limit && this.pending.length === 0;
			}
		}
		await this.persist();
		return more && !this.closed;
	}

	private handOver(event: DeliveredEvent) {
		this.inFlight.set(event.eventId, event);
		let taken: Promise<void>;
		try {
			taken = Promise.resolve(this.options.emit([event], eventKey(this.subscription, event.eventId)));
		} catch (error) {
			taken = Promise.reject(error);
		}
		taken.then(
			() => {
				this.inFlight.delete(event.eventId); // counts for close()'s last save too
				if (this.closed) return;
				this.pump.recovered();
				this.pump.wake(); // saves the cursor and fills the window
			},
			(error: unknown) => {
				if (this.closed) return;
				this.failed.push(event);
				this.pump.fail(error instanceof Error ? error : new Error(String(error)));
			},
		);
	}

	private async persist() {
		const target = this.cursor;
		if (!isAfter(target, this.saved)) return;
		await this.store.bookkeeping((ops) => saveCursor(ops.tx, this.subscription.id, target));
		if (isAfter(target, this.saved)) this.saved = target;
	}
}

/** Opens a trigger's subscription and starts delivering (see EventFeed). */
export function startEventFeed(store: LeadStore, options: EventFeedOptions): Promise<EventFeed> {
	return EventFeed.start(store, options);
}
