/**
 * One event to one execution, crash-safe, through n8n's emit: n8n gets the delivery key (it
 * refuses a second execution with the same key) and a done signal. The promise resolves once
 * n8n has taken the event for certain: the run ended (`donePromise` gives the run), or n8n
 * refused the key because an execution with it exists (it gives undefined). It rejects when
 * n8n could not start the run; the core then hands the event over again, same key.
 *
 * A done signal can stay open for good: a queue-mode job that ended before the main began to
 * watch it, a run whose worker died. Each open hand-over holds a slot and the trigger's cursor,
 * so after a while (and then less and less often) it asks n8n again under the same key: n8n
 * refuses it when it holds the execution, which settles the hand-over; if n8n never stored one,
 * this second hand-over is the event's one run.
 *
 * A run n8n lost is handed over again under the next key (`<key>:2`, then `:3`): in queue mode a
 * worker that dies mid-run leaves the run failed as stalled, which n8n never runs again (nor
 * does its Retry). The steps then find what the lost run had already created (stepWrites.ts),
 * so the event still ends as one successful run, its writes made once.
 */
import type { IDataObject, IRun, ITriggerFunctions } from 'n8n-workflow';

/** When an open hand-over first asks again (LEAD_TRIGGER_SETTLE_PROBE_MS; default 2 minutes). */
let firstProbeMs = Number(process.env.LEAD_TRIGGER_SETTLE_PROBE_MS) > 0 ? Number(process.env.LEAD_TRIGGER_SETTLE_PROBE_MS) : 120_000;
const LAST_PROBE_MS = 60 * 60_000;

/** How many runs one event gets at most when n8n loses them. */
const MAX_DELIVERIES = 3;
/** n8n's MaxStalledCountError (n8n/dist/errors/max-stalled-count.error.js). */
const STALLED = /failed to be processed too many times/;

/**
 * A run n8n lost: it failed with no node's data recorded (nothing of it reached n8n) because its
 * queue-mode job stalled (its worker died). Not a run that failed in a node: that one stands.
 */
export function lostRun(run: IRun | undefined): boolean {
	if (!run || run.status !== 'error') return false;
	const result = run.data?.resultData;
	return Object.keys(result?.runData ?? {}).length === 0 && STALLED.test(String(result?.error?.message ?? ''));
}

/** For tests: how soon an open hand-over asks again. */
export function setSettleProbeMs(ms: number) {
	firstProbeMs = ms;
}

export function handOver(fn: ITriggerFunctions, json: IDataObject, key: string, leadId: unknown, signal: AbortSignal): Promise<void> {
	return new Promise<void>((resolve, reject) => {
		let settled = false;
		let timer: NodeJS.Timeout | undefined;
		const finish = (outcome: () => void) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			signal.removeEventListener('abort', stop);
			outcome();
		};
		const stop = () => clearTimeout(timer); // closed: the next activation hands it over again
		let delivery = 1;
		const currentKey = () => (delivery === 1 ? key : `${key}:${delivery}`);
		const emit = (probe: boolean) => {
			const done = fn.helpers.createDeferredPromise<IRun>();
			const sentAs = delivery;
			fn.emit([[{ json }]], undefined, done, currentKey());
			done.promise.then(
				(run: IRun | undefined) => {
					if (lostRun(run) && sentAs === delivery && delivery < MAX_DELIVERIES && !settled && !signal.aborted) {
						delivery++;
						fn.logger?.warn(`Lead ${String(leadId)}: n8n lost this event's run (its worker stopped mid-run); handing it over again (key ${currentKey()})`, {
							workflowId: fn.getWorkflow().id,
							node: fn.getNode().name,
						});
						emit(false);
						return;
					}
					finish(() => {
						if (run === undefined) {
							const when = probe ? 'was still open' : 'was handed to n8n before a restart';
							fn.logger?.info(`Lead ${String(leadId)}: this event's hand-over ${when} (key ${currentKey()}); n8n holds its execution`, {
								workflowId: fn.getWorkflow().id,
								node: fn.getNode().name,
							});
						}
						resolve();
					});
				},
				// A probe that fails says nothing about the first hand-over, which still decides.
				(error: unknown) => !probe && finish(() => reject(error)),
			);
		};
		const probeAfter = (delay: number) => {
			timer = setTimeout(() => {
				if (settled || signal.aborted) return;
				emit(true);
				probeAfter(Math.min(delay * 2, LAST_PROBE_MS));
			}, delay);
			timer.unref?.();
		};
		signal.addEventListener('abort', stop);
		emit(false);
		probeAfter(firstProbeMs);
	});
}
