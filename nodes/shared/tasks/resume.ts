/**
 * Waking the runs that wait for tasks. A closing is written in the node's transaction; only
 * once it has committed may the waiting run read it, so the operations note each run's address
 * here and the node calls them after the commit (Lead.node.ts). Calling again is harmless: the
 * waiting node reads the store and goes on only when every task it holds is closed; a run that
 * has gone on already answers 409 or 404, which is no error here.
 */
import { sleep, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

const pending = new WeakMap<IExecuteFunctions, Map<number, Set<string>>>();

/** Notes that item `i`'s write closed a task a run may wait for (at `url`). */
export function resumeAfterCommit(fn: IExecuteFunctions, i: number, url: string | null | undefined): void {
	if (!url) return;
	let byItem = pending.get(fn);
	if (!byItem) pending.set(fn, (byItem = new Map()));
	if (!byItem.has(i)) byItem.set(i, new Set());
	byItem.get(i)!.add(url);
}

/** Calls the noted addresses (after the commit) and says on each item whether its run went on. */
export async function wakeWaitingRuns(fn: IExecuteFunctions, output: INodeExecutionData[][]): Promise<INodeExecutionData[][]> {
	const byItem = pending.get(fn);
	pending.delete(fn);
	if (!byItem) return output;
	for (const item of output[0] ?? []) {
		const i = typeof item.pairedItem === 'object' && item.pairedItem && !Array.isArray(item.pairedItem) ? item.pairedItem.item : -1;
		const urls = byItem.get(i);
		if (!urls || item.json.error) continue;
		const runs: IDataObject[] = [];
		for (const url of urls) runs.push(await wake(fn, url));
		item.json = { ...item.json, waitingRuns: runs };
	}
	return output;
}

const RETRIES = 20;

async function wake(fn: IExecuteFunctions, url: string): Promise<IDataObject> {
	for (let attempt = 0; ; attempt++) {
		try {
			const body = (await fn.helpers.httpRequest({ method: 'POST', url, json: true, body: {} })) as IDataObject;
			return { resumed: body?.resumed === true, ...(body?.message ? { message: body.message } : {}) };
		} catch (error) {
			const status = Number((error as { httpCode?: unknown; response?: { status?: unknown } }).httpCode ?? (error as { response?: { status?: unknown } }).response?.status);
			const message = String((error as Error).message ?? error);
			// The run is still saving its wait (it created the task a moment ago): try again shortly.
			if (status === 409 && /running already/i.test(message) && attempt < RETRIES) {
				await sleep(500);
				continue;
			}
			if (status === 409 || status === 404) return { resumed: false, message: 'the run no longer waits' };
			return { resumed: false, message: `could not reach the waiting run: ${message}; completing the task again retries` };
		}
	}
}
