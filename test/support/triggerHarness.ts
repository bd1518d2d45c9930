/**
 * Runs one of our trigger nodes' real trigger() outside n8n, on a real store. It stands in for
 * n8n's trigger context only (parameters with the node's own defaults, credentials, activation
 * mode, workflow and node ids, emit / emitError / saveFailedExecution), and for manual runs
 * copies what n8n 2.41's TriggersAndPollers does: after trigger() returns, `emit` is swapped for
 * a resolver, manualTriggerFunction runs, the first emit is the run's data, then closeFunction.
 * Its emit does what n8n 2.41's does with a delivery key and a done promise: one execution per
 * key (a second emit with a key already run is refused, and its donePromise resolves with
 * undefined), donePromise resolved with the run once it ended, rejected when the run could not
 * start. The end-to-end suite runs the same nodes inside a real n8n.
 */
import type {
	IDataObject,
	INodeExecutionData,
	IRun,
	INodeProperties,
	INodeType,
	ITriggerFunctions,
	ITriggerResponse,
	WorkflowActivateMode,
} from 'n8n-workflow';
import { waitFor } from './delivery';

/**
 * n8n's execution table as far as delivery keys go: keys of executions stored, and runs not
 * ended yet when held. Share one between startTrigger calls to stand for one n8n across restarts.
 */
export class ExecutionsStandIn {
	readonly keys = new Set<string>();
	/** Emits refused because their key had run. */
	refused = 0;
	private holding = false;
	private readonly open: Array<() => void> = [];

	/** Runs started from now on stay running until finish(). */
	hold() {
		this.holding = true;
	}

	/** Ends the oldest n running runs (all by default) and stops holding. */
	finish(n = Infinity) {
		this.holding = n !== Infinity;
		for (const end of this.open.splice(0, n)) end();
	}

	get running() {
		return this.open.length;
	}

	/** One emit: false when the key already ran (refused), else the run starts. */
	start(key: string | undefined, end: () => void): boolean {
		if (key !== undefined) {
			if (this.keys.has(key)) {
				this.refused++;
				return false;
			}
			this.keys.add(key);
		}
		if (this.holding) this.open.push(end);
		else setImmediate(end);
		return true;
	}
}

export interface TriggerOptions {
	params?: Record<string, unknown>;
	credentials: IDataObject;
	mode: WorkflowActivateMode;
	workflowId?: string;
	nodeId?: string;
	nodeName?: string;
	/** n8n's executions, kept across restarts when shared; a fresh one by default. */
	executions?: ExecutionsStandIn;
}

export interface RunningTrigger {
	response: ITriggerResponse;
	/** The json of every emitted item, in emit order (one item per emit for our triggers). */
	emitted: IDataObject[];
	/** Every emit call as n8n got it. */
	emits: INodeExecutionData[][][];
	/** Errors passed to emitError (deactivate + reactivate in n8n). */
	emitErrors: Error[];
	/** Errors passed to saveFailedExecution (a failed execution; the trigger stays active). */
	failedExecutions: Error[];
	/** Delivery keys in emit order (refused emits included). */
	keys: string[];
	executions: ExecutionsStandIn;
	/** The next n emits fail to start their run (n8n rejects their donePromise). */
	failNextEmits(n: number): void;
	/** The next n runs end as `run` says instead of succeeding (a run n8n lost, one that failed in a node). */
	endNextRunsAs(n: number, run: Partial<IRun>): void;
	until(n: number, timeoutMs?: number): Promise<void>;
	close(): Promise<void>;
}

/** A parameter's default as n8n fills it in: the node description's top-level default. */
function defaultOf(properties: INodeProperties[], name: string): unknown {
	const property = properties.find((p) => p.name === name);
	return property ? structuredClone(property.default) : undefined;
}

function makeContext(node: INodeType, options: TriggerOptions, hooks: { emit: ITriggerFunctions['emit'] }) {
	const params = options.params ?? {};
	const nodeInfo = {
		id: options.nodeId ?? 'trigger-node-1',
		name: options.nodeName ?? node.description.defaults.name ?? 'Trigger',
		type: `n8n-nodes-lead-management.${node.description.name}`,
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: params as IDataObject,
	};
	const quiet = () => undefined;
	const context = {
		emitErrors: [] as Error[],
		failedExecutions: [] as Error[],
		getNodeParameter(name: string, fallback?: unknown) {
			if (name in params) return params[name];
			const value = defaultOf(node.description.properties, name);
			if (value !== undefined) return value;
			if (fallback !== undefined) return fallback;
			throw new Error(`Could not get parameter "${name}"`);
		},
		getCredentials: async (type: string) => {
			if (type !== 'leadStoreApi') throw new Error(`unexpected credential type ${type}`);
			return options.credentials;
		},
		getActivationMode: () => options.mode,
		getMode: () => (options.mode === 'manual' ? 'manual' : 'trigger'),
		getWorkflow: () => ({ id: options.workflowId ?? 'wf-trigger-test', name: 'trigger test', active: options.mode !== 'manual' }),
		getNode: () => nodeInfo,
		getTimezone: () => 'UTC',
		logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
		helpers: {
			returnJsonArray: (items: IDataObject | IDataObject[]) => (Array.isArray(items) ? items : [items]).map((json) => ({ json })),
			createDeferredPromise<T>() {
				let resolve!: (value: T) => void;
				let reject!: (error: Error) => void;
				const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
				return { promise, resolve, reject };
			},
		},
		emit: ((...args: Parameters<ITriggerFunctions['emit']>) => hooks.emit(...args)) as ITriggerFunctions['emit'],
		emitError(error: Error) {
			context.emitErrors.push(error);
		},
		saveFailedExecution(error: Error) {
			context.failedExecutions.push(error);
		},
	};
	return context;
}

/** Activates a trigger node (modes activate / init / update): emits are collected until close(). */
export async function startTrigger(node: INodeType, options: TriggerOptions): Promise<RunningTrigger> {
	if (options.mode === 'manual') throw new Error('use runManual for the manual mode');
	const emitted: IDataObject[] = [];
	const emits: INodeExecutionData[][][] = [];
	const keys: string[] = [];
	const executions = options.executions ?? new ExecutionsStandIn();
	let failNext = 0;
	const endings: Array<Partial<IRun>> = [];
	const context = makeContext(node, options, {
		emit(data, _response, done, key) {
			if (key !== undefined) keys.push(key);
			if (failNext > 0) {
				failNext--;
				done?.reject(new Error('the run could not start (test)'));
				return;
			}
			const run = { data: { resultData: { runData: {} } }, mode: 'trigger', status: 'success', startedAt: new Date(), ...endings.shift() } as unknown as IRun;
			if (!executions.start(key, () => done?.resolve(run))) {
				// n8n: "Scheduled execution skipped: duplicate deduplication key"; donePromise gets undefined.
				(done as { resolve(run: IRun | undefined): void } | undefined)?.resolve(undefined);
				return;
			}
			emits.push(data);
			for (const item of data[0] ?? []) emitted.push(item.json);
		},
	});
	const response = (await node.trigger!.call(context as unknown as ITriggerFunctions)) ?? {};
	let closed = false;
	return {
		response,
		emitted,
		emits,
		emitErrors: context.emitErrors,
		failedExecutions: context.failedExecutions,
		endNextRunsAs: (n, run) => {
			for (let i = 0; i < n; i++) endings.push(run);
		},
		keys,
		executions,
		failNextEmits: (n) => (failNext = n),
		until: (n, timeoutMs = 10_000) => waitFor(() => emitted.length >= n, `${n} emits (have ${emitted.length})`, timeoutMs),
		async close() {
			if (closed) return;
			closed = true;
			await response.closeFunction?.();
		},
	};
}

export interface ManualRun {
	/** The data of the run (the first emit), or null when the run was stopped before one came. */
	result: Promise<INodeExecutionData[][] | null>;
	/** The editor's stop button / the end of the run: calls closeFunction. */
	stop(): Promise<void>;
}

/**
 * The editor's test run of a trigger, the way n8n 2.41 runs it (executeTriggerNode): trigger()
 * with activation mode `manual`, then manualTriggerFunction, then the first emit is the data and
 * closeFunction runs. An error thrown by trigger() or manualTriggerFunction rejects `result`.
 */
export async function runManual(node: INodeType, options: Omit<TriggerOptions, 'mode'>): Promise<ManualRun> {
	let emitHook: ITriggerFunctions['emit'] = () => {
		throw new Error('emit before trigger() returned');
	};
	const context = makeContext(node, { ...options, mode: 'manual' }, { emit: (...args) => emitHook(...args) });
	const response = (await node.trigger!.call(context as unknown as ITriggerFunctions)) ?? {};
	let stopped!: () => void;
	const stoppedPromise = new Promise<null>((resolve) => (stopped = () => resolve(null)));
	const firstEmit = new Promise<INodeExecutionData[][]>((resolve, reject) => {
		emitHook = (data) => resolve(data);
		context.emitError = (error: Error) => reject(error);
		context.saveFailedExecution = (error: Error) => reject(error);
	});
	let closed = false;
	const close = async () => {
		if (closed) return;
		closed = true;
		await response.closeFunction?.();
	};
	const result = (async () => {
		try {
			const manual = response.manualTriggerFunction ? response.manualTriggerFunction() : Promise.resolve();
			await Promise.race([manual, stoppedPromise]);
			return await Promise.race([firstEmit, stoppedPromise]);
		} finally {
			await close();
		}
	})();
	return {
		result,
		async stop() {
			stopped();
			await close();
		},
	};
}
