/**
 * Runs one of our nodes' execute() outside n8n, on a real store. It stands in for n8n's
 * execution context only (parameters, items, credentials); every store call is real. The
 * end-to-end suite runs the same nodes inside a real n8n.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import type { StoreConfig } from '../../core';

/** A parameter: a fixed value, or a function of the item (what an expression would be). */
export type Param = unknown | ((itemIndex: number, item: INodeExecutionData) => unknown);

export interface RunOptions {
	params: Record<string, Param>;
	items?: IDataObject[];
	credentials: IDataObject;
	continueOnFail?: boolean;
	nodeName?: string;
	/** The workflow's timezone (Workflow Settings); n8n's default when unset is the instance's, here UTC. */
	timezone?: string;
	/** How the execution started (n8n's WorkflowExecuteMode): 'manual' (the editor) unless given. */
	mode?: string;
	/** Which run of the node before this one fed it (a loop feeds a node from each of its runs). */
	upstreamRun?: number;
	/** The items of the node before's earlier runs, as n8n's `$items(node, 0, run)` gives them. */
	upstreamRuns?: IDataObject[][];
}

export function credentialsFor(config: StoreConfig): IDataObject {
	if (config.backend === 'sqlite') return { backend: 'sqlite', file: config.file };
	return { backend: 'postgres', host: config.host, port: config.port, database: config.database, user: config.user, password: config.password ?? '', schema: config.schema, ssl: 'disable' };
}

export async function runNode(node: INodeType, options: RunOptions): Promise<INodeExecutionData[][]> {
	const items: INodeExecutionData[] = (options.items ?? [{}]).map((json) => ({ json }));
	const nodeInfo = { id: 'node-1', name: options.nodeName ?? 'Node', type: 'test', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };
	const context = {
		getInputData: () => items,
		getNodeParameter(name: string, itemIndex: number, fallback?: unknown, opts?: { extractValue?: boolean }) {
			let value = name in options.params ? options.params[name] : fallback;
			if (typeof value === 'function') value = (value as (i: number, item: INodeExecutionData) => unknown)(itemIndex, items[itemIndex]);
			if (value === undefined) throw new Error(`Could not get parameter "${name}"`);
			if (opts?.extractValue && value && typeof value === 'object' && 'value' in (value as object)) {
				return (value as { value: unknown }).value;
			}
			return value;
		},
		getCredentials: async () => options.credentials,
		continueOnFail: () => options.continueOnFail ?? false,
		getNode: () => nodeInfo,
		getWorkflow: () => ({ id: 'wf-test', name: 'test', active: false }),
		getExecutionId: () => 'exec-test',
		getMode: () => options.mode ?? 'manual',
		getExecuteData: () => ({ node: nodeInfo, data: { main: [items] }, source: { main: [{ previousNode: 'Trigger', previousNodeRun: options.upstreamRun ?? 0 }] } }),
		getTimezone: () => options.timezone ?? 'UTC',
		getWorkflowDataProxy: () => ({
			$items: (node: string, _output: number, run: number) => {
				if (node !== 'Trigger' || !options.upstreamRuns?.[run]) throw new Error(`Node '${node}' hasn't been executed`);
				return options.upstreamRuns[run].map((json) => ({ json }));
			},
		}),
	} as unknown as IExecuteFunctions;
	return (await node.execute!.call(context)) as INodeExecutionData[][];
}

/** A resource-locator value as the editor stores it. */
export const rl = (value: string | number, mode = 'id') => ({ __rl: true, mode, value: String(value) });
