/**
 * Runs an action node's items against the store: all items in one transaction, each in its
 * own savepoint. Without "continue on fail" the first bad item fails the run and nothing is
 * written; with it, a bad item becomes an error item and only its own writes are undone.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { LeadOps, WriteContext } from '../../core';
import { describeItemError, toNodeError, toRunError } from './errors';
import { leaseStore } from './storeFromCredential';

export type ItemHandler = (ops: LeadOps, itemIndex: number, context: WriteContext) => Promise<IDataObject | IDataObject[]>;

export interface RunOptions {
	/** 'read': a read-only snapshot that never waits for (or holds up) the store's writers. */
	access?: 'read' | 'write';
}

export async function runItems(fn: IExecuteFunctions, handle: ItemHandler, options: RunOptions = {}): Promise<INodeExecutionData[][]> {
	const items = fn.getInputData();
	const reading = options.access === 'read';
	let lease;
	try {
		lease = await leaseStore(await fn.getCredentials('leadStoreApi'));
	} catch (error) {
		throw toRunError(fn.getNode(), error);
	}
	const eachItem = async (ops: LeadOps) => {
		const results: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const run = () => handle(ops, i, writeContext(fn, items[i]));
				const json = reading ? await run() : await ops.isolated(run);
				for (const one of Array.isArray(json) ? json : [json]) results.push({ json: carryEvent(items[i], one), pairedItem: { item: i } });
			} catch (error) {
				if (!fn.continueOnFail()) throw toNodeError(fn.getNode(), error, i);
				const { message, field } = describeItemError(error, i);
				results.push({ json: { error: message, ...(field ? { field } : {}) }, pairedItem: { item: i } });
			}
		}
		return results;
	};
	try {
		return [await (reading ? lease.store.read(eachItem) : lease.store.transaction(eachItem))];
	} catch (error) {
		// An item's own error is already a node error naming it; anything else (the store went
		// away, the commit failed) belongs to the whole run, not to "item 0".
		throw toRunError(fn.getNode(), error);
	} finally {
		lease.release();
	}
}

/**
 * Who is writing (this workflow's execution), and how deep in a trigger chain: one more than
 * the event that started the run, read from the trigger's output carried on the item.
 */
export function writeContext(fn: IExecuteFunctions, item: INodeExecutionData): WriteContext {
	const event = (item.json?.event ?? {}) as IDataObject;
	const depth = typeof event.causationDepth === 'number' ? event.causationDepth + 1 : 0;
	return {
		actor: { kind: 'workflow', workflowId: String(fn.getWorkflow().id ?? ''), executionId: fn.getExecutionId(), node: fn.getNode().name },
		causationDepth: depth,
	};
}

/**
 * Passes the trigger's `event` on to the output, so a chain Trigger → Note → Update Lead Stage
 * still knows its causation depth at the last step (the loop guard reads it there).
 */
function carryEvent(input: INodeExecutionData, output: IDataObject): IDataObject {
	const event = input.json?.event;
	return event && typeof event === 'object' && !('event' in output) ? { ...output, event } : output;
}
