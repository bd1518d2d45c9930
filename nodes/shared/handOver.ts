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
 */
import type { IDataObject, IRun, ITriggerFunctions } from 'n8n-workflow';

/** When an open hand-over first asks again (LEAD_TRIGGER_SETTLE_PROBE_MS; default 2 minutes). */
let firstProbeMs = Number(process.env.LEAD_TRIGGER_SETTLE_PROBE_MS) > 0 ? Number(process.env.LEAD_TRIGGER_SETTLE_PROBE_MS) : 120_000;
const LAST_PROBE_MS = 60 * 60_000;

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
		const emit = (probe: boolean) => {
			const done = fn.helpers.createDeferredPromise<IRun>();
			fn.emit([[{ json }]], undefined, done, key);
			done.promise.then(
				(run: IRun | undefined) =>
					finish(() => {
						if (run === undefined) {
							const when = probe ? 'was still open' : 'was handed to n8n before a restart';
							fn.logger?.info(`Lead ${String(leadId)}: this event's hand-over ${when} (key ${key}); n8n holds its execution`, {
								workflowId: fn.getWorkflow().id,
								node: fn.getNode().name,
							});
						}
						resolve();
					}),
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
