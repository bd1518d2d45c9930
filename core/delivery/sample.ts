/**
 * Manual mode (the editor's "listen for test event"): a real sample for the trigger's settings,
 * the latest matching event (or, for stale, the lead that most recently went stale), or else the
 * next one to come. It never opens a subscription, never moves a cursor, never marks a lead.
 */
import { latestPosition, type EventPosition } from '../store/events';
import type { LeadStore } from '../store/LeadStore';
import { closestToStaleLead, latestStaleLead, type StaleCriteria, type StaleLead } from '../store/stale';
import { resolveEventCriteria, resolveStaleCriteria, type EventCriteria, type EventCriteriaInput, type StaleCriteriaInput } from './criteria';
import { DEFAULT_POLL_MS } from './EventFeed';
import { latestMatchingEvent, readEventWindow } from './eventQuery';
import type { DeliveredEvent } from './payload';
import { Pump } from './pump';

export interface SampleOptions {
	/** Return the latest existing match when there is one (default true); false: only a new one. */
	latest?: boolean;
	/** When nothing matches yet, wait for the next match (default true); false: resolve null. */
	wait?: boolean;
	/** Give up waiting after this long (resolves null). Default: wait until aborted. */
	timeoutMs?: number;
	/** Aborting resolves null at once (n8n's closeFunction after a test run). */
	signal?: AbortSignal;
	pollIntervalMs?: number;
	/**
	 * Stale leads: when none is stale, return at once the lead closest to going stale, marked
	 * `notStaleYet` (the editor's test run then shows a real lead instead of an endless spinner).
	 */
	closest?: boolean;
}

/** A stale sample; `notStaleYet` when it is the lead closest to going stale (staleSince lies ahead). */
export type StaleSample = StaleLead & { notStaleYet?: true };

export type StaleSampleCriteria = StaleCriteriaInput & { kind: 'lead.stale' };

export function sampleEvent(store: LeadStore, criteria: EventCriteriaInput, options?: SampleOptions): Promise<DeliveredEvent | null>;
export function sampleEvent(store: LeadStore, criteria: StaleSampleCriteria, options?: SampleOptions): Promise<StaleSample | null>;
export async function sampleEvent(
	store: LeadStore,
	input: EventCriteriaInput | StaleSampleCriteria,
	options: SampleOptions = {},
): Promise<DeliveredEvent | StaleSample | null> {
	const stale = input.kind === 'lead.stale';
	// Resolving the criteria first makes a bad setting an error, not an endless wait.
	const start = await store.read(async (ops) => {
		const criteria = stale ? await resolveStaleCriteria(ops.tx, input as StaleSampleCriteria) : await resolveEventCriteria(ops.tx, input as EventCriteriaInput);
		const after = await latestPosition(ops.tx);
		let found: DeliveredEvent | StaleSample | null = null;
		if (options.latest !== false) {
			found = stale ? await latestStaleLead(ops.tx, criteria as StaleCriteria) : await latestMatchingEvent(ops.tx, criteria as EventCriteria);
		}
		if (!found && stale && options.closest) {
			const closest = await closestToStaleLead(ops.tx, criteria as StaleCriteria);
			if (closest) found = { ...closest, notStaleYet: true };
		}
		return { criteria, after, found };
	});
	if (start.found || options.wait === false || options.signal?.aborted) return start.found;
	return waitForNext(store, stale, start.criteria, start.after, options);
}

function waitForNext(
	store: LeadStore,
	stale: boolean,
	criteria: EventCriteria | StaleCriteria,
	from: EventPosition,
	options: SampleOptions,
): Promise<DeliveredEvent | StaleLead | null> {
	return new Promise((resolve, reject) => {
		let after = from;
		let settled = false;
		let unlisten: (() => Promise<void>) | undefined;
		let timer: NodeJS.Timeout | undefined;
		const onAbort = () => void finish(null);
		const pump = new Pump(
			async () => {
				if (stale) {
					const lead = await store.read((ops) => latestStaleLead(ops.tx, criteria as StaleCriteria));
					if (lead) void finish(lead);
					return false;
				}
				const window = await store.read((ops) =>
					readEventWindow(ops.tx, { after, skipBefore: 0, criteria: criteria as EventCriteria, limit: 100 }),
				);
				if (window.upper !== null) after = window.upper;
				if (window.events.length > 0) void finish(window.events[0]);
				return window.scanned >= 100 && !settled;
			},
			{
				pollIntervalMs: options.pollIntervalMs ?? (stale ? 1_000 : DEFAULT_POLL_MS[store.backend]),
				// In the editor a clear error beats a silent retry loop.
				onError: (error) => void finish(null, error),
			},
		);
		async function finish(value: DeliveredEvent | StaleLead | null, error?: Error) {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			options.signal?.removeEventListener('abort', onAbort);
			await Promise.all([unlisten?.().catch(() => undefined), pump.close()]);
			if (error) reject(error);
			else resolve(value);
		}
		options.signal?.addEventListener('abort', onAbort);
		if (options.timeoutMs !== undefined) timer = setTimeout(onAbort, options.timeoutMs);
		store
			.onEventsCommitted(() => pump.wake())
			.then((off) => {
				if (settled) void off().catch(() => undefined);
				else unlisten = off;
				pump.start();
			})
			.catch((error) => void finish(null, error));
	});
}
