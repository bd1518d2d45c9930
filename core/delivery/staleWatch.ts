/**
 * The stale-lead trigger's delivery: scan, mark, then emit.
 *
 * Order chosen: a scan marks its leads fired (stale_fired) in the transaction that reads them,
 * commits, and only then emits. If emit fails, the marks of the leads not emitted are taken
 * back (unmarked), so a later scan fires them; if taking them back fails too (store down), they
 * are kept in memory and taken back on the next attempt. So repeated scans, restarts and two
 * scanners never fire an episode twice; the price is that a process killed between the commit
 * and the emit (microseconds: n8n's emit only starts an execution) loses those fires. A
 * duplicate stale email is the worse failure for a lead, so at-most-once wins here.
 */
import type { LeadStore } from '../store/LeadStore';
import { claimStaleLeads, pruneStaleMarks, unmarkStale, type StaleClaim, type StaleCriteria, type StaleLead } from '../store/stale';
import { openSubscription, type StartFrom, type Subscription } from '../store/subscriptions';
import { resolveStaleCriteria, type StaleCriteriaInput } from './criteria';
import type { DeliveryHandlers } from './EventFeed';
import { Pump } from './pump';

/** Marks of finished episodes are pruned at most this often. */
export const PRUNE_EVERY_MS = 60 * 60 * 1000;
export const DEFAULT_STALE_CHECK_MS = 60_000;
export const MIN_STALE_CHECK_MS = 100;

export interface StaleScanState {
	/** Claims whose emit failed and whose unmark failed too: taken back before the next scan. */
	unmarkBacklog: StaleClaim[];
	lastPruneAt: number | null;
}

export const newStaleScanState = (): StaleScanState => ({ unmarkBacklog: [], lastPruneAt: null });

export interface ScanOptions {
	batchSize?: number;
	state?: StaleScanState;
	/** Checked between emits: once true, the rest of the batch is unmarked, not emitted. */
	isClosed?: () => boolean;
}

const claimOf = (s: StaleLead): StaleClaim => ({ leadId: s.lead.id, episode: s.episode });

/**
 * One full scan: claims and emits batch after batch until no stale lead is left unfired.
 * Throws the emit's (or the store's) error after taking back the marks it could not deliver.
 */
export async function scanStale(
	store: LeadStore,
	subscription: Pick<Subscription, 'id' | 'createdAt'>,
	criteria: StaleCriteria,
	handlers: Pick<DeliveryHandlers<StaleLead>, 'emit' | 'emitMode'>,
	options: ScanOptions = {},
): Promise<{ fired: number }> {
	const state = options.state ?? newStaleScanState();
	const limit = options.batchSize ?? 100;
	let fired = 0;
	for (;;) {
		const backlog = state.unmarkBacklog;
		let prunedAt: number | null = null;
		const batch = await store.transaction(async (ops) => {
			if (backlog.length > 0) await unmarkStale(ops.tx, subscription.id, backlog);
			const now = ops.tx.now();
			if (state.lastPruneAt === null || now - state.lastPruneAt >= PRUNE_EVERY_MS) {
				await pruneStaleMarks(ops.tx, subscription.id);
				prunedAt = now;
			}
			return claimStaleLeads(ops.tx, subscription, criteria, limit);
		});
		// Only once that transaction committed are the backlog's marks really gone.
		state.unmarkBacklog = state.unmarkBacklog.filter((c) => !backlog.includes(c));
		if (prunedAt !== null) state.lastPruneAt = prunedAt;
		let done = 0;
		try {
			if (handlers.emitMode === 'batch') {
				if (batch.length > 0 && !options.isClosed?.()) {
					await handlers.emit(batch);
					done = batch.length;
				}
			} else {
				for (const item of batch) {
					if (options.isClosed?.()) break;
					await handlers.emit([item]);
					done++;
				}
			}
		} catch (error) {
			await giveBack(store, subscription.id, batch.slice(done), state);
			throw error;
		}
		fired += done;
		if (done < batch.length) {
			await giveBack(store, subscription.id, batch.slice(done), state); // closed mid-batch
			return { fired };
		}
		if (batch.length < limit) return { fired };
	}
}

async function giveBack(store: LeadStore, subscriptionId: number, rest: StaleLead[], state: StaleScanState) {
	if (rest.length === 0) return;
	const claims = rest.map(claimOf);
	try {
		await store.transaction((ops) => unmarkStale(ops.tx, subscriptionId, claims));
	} catch {
		state.unmarkBacklog.push(...claims);
	}
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

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		await this.pump.close();
		if (this.state.unmarkBacklog.length > 0) {
			const claims = this.state.unmarkBacklog;
			await this.store.transaction((ops) => unmarkStale(ops.tx, this.subscription.id, claims)).catch(() => undefined);
		}
	}

	private async scan(): Promise<boolean> {
		await scanStale(this.store, this.subscription, this.criteria, this.options, {
			batchSize: this.options.batchSize,
			state: this.state,
			isClosed: () => this.closed,
		});
		return false;
	}
}

export function startStaleWatch(store: LeadStore, options: StaleWatchOptions): Promise<StaleWatch> {
	return StaleWatch.start(store, options);
}
