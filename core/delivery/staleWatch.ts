/**
 * The stale-lead trigger's delivery: scan, hand over, then mark.
 *
 * A scan reads stale leads that have no fire mark for their current episode and hands each to
 * `emit` under its delivery key (one per workflow, node, lead and episode; deliveryKey.ts), up
 * to `maxInFlight` at once. A fire is marked in stale_fired only once its hand-over settled
 * (the run ended, or the runner refused the key as already run). So a crash at any moment
 * loses nothing: the next scan hands the unmarked fires over again under the same keys, and the
 * runner refuses those it already took. While a fire is in hand this process claims it, so
 * repeated scans here never hand it over twice at once; another process (a second scanner)
 * may, and the runner's key refuses the second. A failed hand-over is not marked: the scan
 * reports it (throws, so the watch backs off) and a later scan sends it again, same key.
 */
import type { LeadStore } from '../store/LeadStore';
import { findStaleLeads, markStaleFired, pruneStaleMarks, type StaleClaim, type StaleCriteria, type StaleLead } from '../store/stale';
import { openSubscription, type StartFrom, type Subscription } from '../store/subscriptions';
import { resolveStaleCriteria, type StaleCriteriaInput } from './criteria';
import { staleKey } from './deliveryKey';
import { DEFAULT_MAX_IN_FLIGHT, type DeliveryHandlers } from './EventFeed';
import { Pump } from './pump';

/** Marks of finished episodes are pruned at most this often. */
export const PRUNE_EVERY_MS = 60 * 60 * 1000;
export const DEFAULT_STALE_CHECK_MS = 60_000;
export const MIN_STALE_CHECK_MS = 100;

/** Fires this process has in hand (their keys): claimed from hand-over until marked. */
const inHand = new Set<string>();

interface Settled extends StaleClaim {
	key: string;
}

export interface StaleScanState {
	/** Fires whose hand-over settled and whose mark is not written yet: written first by the next scan. */
	toMark: Settled[];
	lastPruneAt: number | null;
}

export const newStaleScanState = (): StaleScanState => ({ toMark: [], lastPruneAt: null });

export interface ScanOptions {
	batchSize?: number;
	state?: StaleScanState;
	/** Once aborted, the scan hands nothing more over and returns without waiting for open hand-overs. */
	signal?: AbortSignal;
}

type ScanSubscription = Pick<Subscription, 'id' | 'createdAt' | 'workflowId' | 'nodeId'>;

async function writeMarks(store: LeadStore, subscriptionId: number, state: StaleScanState): Promise<number> {
	const done = state.toMark.splice(0);
	if (done.length === 0) return 0;
	try {
		await store.transaction((ops) => markStaleFired(ops.tx, subscriptionId, done));
	} catch (error) {
		state.toMark.unshift(...done);
		throw error;
	}
	for (const d of done) inHand.delete(d.key);
	return done.length;
}

/**
 * One full scan: hands over every stale lead not yet fired, up to maxInFlight at once, and
 * marks each once its hand-over settled; returns when all are marked. Throws the first failed
 * hand-over (or the store's error) after the others settled; the failed ones stay unmarked.
 */
export async function scanStale(
	store: LeadStore,
	subscription: ScanSubscription,
	criteria: StaleCriteria,
	handlers: Pick<DeliveryHandlers<StaleLead>, 'emit' | 'maxInFlight'>,
	options: ScanOptions = {},
): Promise<{ fired: number }> {
	const state = options.state ?? newStaleScanState();
	const limit = options.batchSize ?? 100;
	const max = handlers.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
	const open = new Map<number, StaleLead>();
	/** Failed here, or in hand elsewhere in this process: not read again in this scan. */
	const skipped = new Set<number>();
	let failure: Error | null = null;
	let fired = 0;
	let exhausted = false;
	let wakeUp = () => {};
	const stopped = () => options.signal?.aborted === true;

	const now = store.now();
	if (state.lastPruneAt === null || now - state.lastPruneAt >= PRUNE_EVERY_MS) {
		await store.transaction((ops) => pruneStaleMarks(ops.tx, subscription.id));
		state.lastPruneAt = now;
	}

	const handOver = (stale: StaleLead, key: string) => {
		inHand.add(key);
		open.set(stale.lead.id, stale);
		let taken: Promise<void>;
		try {
			taken = Promise.resolve(handlers.emit([stale], key));
		} catch (error) {
			taken = Promise.reject(error);
		}
		taken.then(
			() => {
				open.delete(stale.lead.id);
				fired++;
				// Settled after the watch closed: nobody writes the mark, so let the next start hand
				// it over again (the runner refuses it) rather than keep it claimed for good.
				if (stopped()) inHand.delete(key);
				else state.toMark.push({ leadId: stale.lead.id, episode: stale.episode, key });
				wakeUp();
			},
			(error: unknown) => {
				open.delete(stale.lead.id);
				inHand.delete(key);
				skipped.add(stale.lead.id);
				failure ??= error instanceof Error ? error : new Error(String(error));
				wakeUp();
			},
		);
	};

	for (;;) {
		const settled = new Promise<void>((resolve) => (wakeUp = resolve));
		await writeMarks(store, subscription.id, state);
		if (stopped()) break;
		const room = max - open.size;
		if (!exhausted && room > 0) {
			const want = Math.min(limit, room);
			const except = [...open.keys(), ...skipped, ...state.toMark.map((m) => m.leadId)];
			const batch = await store.read((ops) => findStaleLeads(ops.tx, subscription, criteria, want, except));
			if (batch.length < want) exhausted = true;
			for (const stale of batch) {
				const key = staleKey(subscription, stale.lead.id, stale.episode);
				if (inHand.has(key)) skipped.add(stale.lead.id);
				else handOver(stale, key);
			}
			continue;
		}
		if (open.size === 0) {
			if (state.toMark.length === 0) break;
			continue;
		}
		await Promise.race([settled, aborted(options.signal)]);
	}
	if (failure) throw failure;
	return { fired };
}

function aborted(signal: AbortSignal | undefined): Promise<void> {
	if (!signal) return new Promise(() => {});
	if (signal.aborted) return Promise.resolve();
	return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

export interface StaleWatchOptions extends DeliveryHandlers<StaleLead> {
	workflowId: string;
	nodeId: string;
	startFrom: StartFrom;
	criteria: StaleCriteriaInput;
	/** How often to scan (default 60 s). The first scan runs at once. */
	checkIntervalMs?: number;
	batchSize?: number;
}

/** A stale-lead trigger node's running watch: scans on start and then every checkIntervalMs. */
export class StaleWatch {
	private closed = false;
	private readonly state = newStaleScanState();
	private readonly stop = new AbortController();
	private readonly pump: Pump;

	private constructor(
		private readonly store: LeadStore,
		readonly subscription: Subscription,
		readonly criteria: StaleCriteria,
		private readonly options: StaleWatchOptions,
	) {
		this.pump = new Pump(() => this.scan(), {
			pollIntervalMs: Math.max(MIN_STALE_CHECK_MS, options.checkIntervalMs ?? DEFAULT_STALE_CHECK_MS),
			retryInitialMs: options.retryInitialMs,
			retryMaxMs: options.retryMaxMs,
			onError: options.onError,
		});
	}

	/** Checks the criteria (stages required, no won/lost, 1 ≤ N ≤ M) and opens the subscription. */
	static async start(store: LeadStore, options: StaleWatchOptions): Promise<StaleWatch> {
		const { subscription, criteria } = await store.transaction(async (ops) => {
			const criteria = await resolveStaleCriteria(ops.tx, options.criteria);
			const subscription = await openSubscription(ops.tx, {
				workflowId: options.workflowId,
				nodeId: options.nodeId,
				kind: 'lead.stale',
				startFrom: options.startFrom,
			});
			return { subscription, criteria };
		});
		const watch = new StaleWatch(store, subscription, criteria, options);
		watch.pump.start();
		return watch;
	}

	/** Scans now (tests; a node could offer it too). */
	wake() {
		this.pump.wake();
	}

	idle() {
		return this.pump.idle();
	}

	/**
	 * Stops scanning without waiting for open hand-overs (a run may take long); marks of those
	 * that settled are written. Unmarked fires are handed over again, same keys, by the next start.
	 */
	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		this.stop.abort();
		await this.pump.close();
		await writeMarks(this.store, this.subscription.id, this.state).catch(() => undefined);
		for (const unwritten of this.state.toMark.splice(0)) inHand.delete(unwritten.key);
	}

	private async scan(): Promise<boolean> {
		await scanStale(this.store, this.subscription, this.criteria, this.options, {
			batchSize: this.options.batchSize,
			state: this.state,
			signal: this.stop.signal,
		});
		return false;
	}
}

export function startStaleWatch(store: LeadStore, options: StaleWatchOptions): Promise<StaleWatch> {
	return StaleWatch.start(store, options);
}
