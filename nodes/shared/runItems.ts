/**
 * Runs an action node's items against the store: all items in one transaction, each in its own
 * savepoint (or all at once, when the operation can: RunOptions.bulk; a lone item, where the store
 * commits it by itself: RunOptions.alone). Without "continue on fail" the first bad item fails
 * the run and nothing is written; with it, a bad item becomes an error item and only its own
 * writes are undone.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { LeadOps, LeadStore, WriteContext } from '../../core';
import { describeItemError, toNodeError, toRunError } from './errors';
import { leaseStore } from './storeFromCredential';

export type ItemHandler = (ops: LeadOps, itemIndex: number, context: WriteContext) => Promise<IDataObject | IDataObject[]>;

/** An operation that can also run for all items at once (fewer statements than item by item). */
export interface Bulk<P> {
	/** Item i's input, read from its parameters; a bad one throws, and the items go one by one. */
	plan(itemIndex: number, context: WriteContext): P;
	/** Every item's output, in item order; undefined, having written nothing, when they must go one by one. */
	run(ops: LeadOps, plans: P[]): Promise<IDataObject[] | undefined>;
}

export interface RunOptions<P = unknown> {
	/** 'read': a read-only snapshot that never waits for (or holds up) the store's writers. */
	access?: 'read' | 'write';
	/**
	 * Tried first when there are several items. Item by item is what it must equal, and what
	 * runs when it declines: a bad item then fails (or, with "continue on fail", becomes an
	 * error item) with its own error naming it.
	 */
	bulk?: Bulk<P>;
	/**
	 * Tried first when there is one item to write: the store's own call for one operation, which
	 * commits it by itself (in one round trip where the store can). Undefined, having written
	 * nothing, and the item goes the usual way, which also names any bad input.
	 */
	alone?: (store: LeadStore, context: WriteContext) => Promise<IDataObject | undefined>;
}

export async function runItems<P>(fn: IExecuteFunctions, handle: ItemHandler, options: RunOptions<P> = {}): Promise<INodeExecutionData[][]> {
	const items = fn.getInputData();
	const reading = options.access === 'read';
	let lease;
	try {
		lease = await leaseStore(await fn.getCredentials('leadStoreApi'));
	} catch (error) {
		throw toRunError(fn.getNode(), error);
	}
	const inBulk = async (ops: LeadOps, bulk: Bulk<P>) => {
		let plans: P[];
		try {
			// The actor is the run's, the same for every item: one object, so it is serialised once.
			const upstream = upstreamOf(fn);
			const contexts = items.map((item, i) => writeContext(fn, item, i, upstream));
			plans = contexts.map((context, i) => bulk.plan(i, { ...context, actor: contexts[0].actor }));
		} catch {
			return undefined;
		}
		// If its writes fail, the driver runs the transaction again item by item (SqlSession.bulk).
		return ops.isolated(() => bulk.run(ops, plans));
	};
	const eachItem = async (ops: LeadOps) => {
		const upstream = upstreamOf(fn);
		const all = options.bulk && !reading && items.length > 1 ? await inBulk(ops, options.bulk) : undefined;
		if (all) return all.map((json, i): INodeExecutionData => ({ json: carryEvent(items[i], json), pairedItem: { item: i } }));
		const results: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const run = () => handle(ops, i, writeContext(fn, items[i], i, upstream));
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
		if (options.alone && !reading && items.length === 1) {
			// A failure here wrote nothing (the statement's own transaction rolled back): the usual
			// way runs the item again and reports what fails as that item's error.
			const json = await options.alone(lease.store, writeContext(fn, items[0], 0, upstreamOf(fn))).catch(() => undefined);
			if (json) return [[{ json: carryEvent(items[0], json), pairedItem: { item: 0 } }]];
		}
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
 * Who is writing (this workflow's execution), how deep in a trigger chain (one more than the
 * event that started the run, read from the trigger's output carried on the item), and the
 * write's cause: this node, the item, the event, and which run of the node before it fed this
 * one. A run of the same cause again (the trigger re-delivered an event whose run n8n lost, or a
 * user retried a crashed run) then finds what the first one created instead of creating it
 * twice, while each pass of a loop is a cause of its own. Not this node's own run index: n8n's
 * Retry of a crashed run can run the node again as its second run. A test run in the editor has
 * no cause: each one creates anew, as its user expects.
 */
export function writeContext(fn: IExecuteFunctions, item: INodeExecutionData, itemIndex: number, upstream: string): WriteContext {
	const event = (item.json?.event ?? {}) as IDataObject;
	const depth = typeof event.causationDepth === 'number' ? event.causationDepth + 1 : 0;
	const workflowId = String(fn.getWorkflow().id ?? '');
	const caused = fn.getMode() !== 'manual' && (typeof event.id === 'string' || typeof event.id === 'number');
	return {
		actor: { kind: 'workflow', workflowId, executionId: fn.getExecutionId(), node: fn.getNode().name },
		causationDepth: depth,
		...(caused ? { sourceKey: `${workflowId}:${fn.getNode().id}:${upstream}:${itemIndex}:${String(event.id)}` } : {}),
	};
}

/** The node run that fed this one (`Loop Over Items#2`): a loop feeds the same node from each of its runs. */
function upstreamOf(fn: IExecuteFunctions): string {
	// Not every context n8n runs a node in has execute data (a node called as an AI tool).
	const source = typeof fn.getExecuteData === 'function' ? fn.getExecuteData()?.source?.main?.[0] : undefined;
	if (!source) return '';
	const run = source.previousNodeRun ?? 0;
	return `${source.previousNode}#${run - recoveredRunsBefore(fn, source.previousNode, run)}`;
}

/**
 * How many of `node`'s runs before `run` are placeholders from n8n's recovery of a crashed run
 * (n8n/dist/executions/execution-recovery.service.js): it stands one in for each node its event
 * log saw finish, and a Retry then runs those nodes again after them. Without this count the
 * retry's steps would name another upstream run than the crashed run's did, and write twice.
 */
function recoveredRunsBefore(fn: IExecuteFunctions, node: string, run: number): number {
	if (run === 0 || typeof fn.getWorkflowDataProxy !== 'function') return 0;
	let placeholders = 0;
	try {
		const proxy = fn.getWorkflowDataProxy(0);
		for (let r = 0; r < run; r++) {
			const [first] = (proxy.$items(node, 0, r) ?? []) as INodeExecutionData[];
			if (first?.json?.isArtificialRecoveredEventItem === true) placeholders++;
		}
	} catch {
		// A run n8n cannot show (pruned data): count it as real, as before.
	}
	return placeholders;
}

/**
 * Passes the trigger's `event` on to the output, so a chain Trigger → Note → Update Lead Stage
 * still knows its causation depth at the last step (the loop guard reads it there).
 */
function carryEvent(input: INodeExecutionData, output: IDataObject): IDataObject {
	const event = input.json?.event;
	return event && typeof event === 'object' && !('event' in output) ? { ...output, event } : output;
}
