/**
 * The lead triggers' run-time glue: credential → store, activation mode → where to start, the
 * core's feed or stale watch → n8n emits (one execution per event or stale lead), failures →
 * n8n's trigger error path. No SQL and no delivery logic here; that is the core's.
 */
import { NodeOperationError, type IDataObject, type INode, type ITriggerFunctions, type ITriggerResponse } from 'n8n-workflow';
import {
	isLeadStoreError,
	sampleEvent,
	startEventFeed,
	startFromActivationMode,
	startStaleWatch,
	type DeliveredEvent,
	type EventCriteriaInput,
	type StaleCriteriaInput,
	type StaleSample,
	type StartFrom,
} from '../../core';
import { handOver } from './handOver';
import { toJson } from './output';
import { leaseStore, type StoreLease } from './storeFromCredential';

/** What each trigger node hands over: `$json.lead.id` and `$json.event.causationDepth` are read by the action nodes. */
export function deliveredEventJson(e: DeliveredEvent): IDataObject {
	const event = { id: e.eventId, type: e.type, occurredAt: e.occurredAt, causationDepth: e.causationDepth, actor: e.actor };
	switch (e.type) {
		case 'lead.stage_changed':
			return toJson({ lead: e.lead, event, previousStage: e.previousStage, newStage: e.newStage, changedAt: e.changedAt, changedBy: e.changedBy });
		case 'opportunity.status_changed':
			return toJson({
				opportunity: e.opportunity,
				lead: e.lead,
				event,
				previousStatus: e.previousStatus,
				newStatus: e.newStatus,
				changedAt: e.changedAt,
				changedBy: e.changedBy,
			});
		case 'opportunity.updated':
			return toJson({ opportunity: e.opportunity, lead: e.lead, event, changedFields: e.changedFields });
		case 'opportunity.created':
			return toJson({ opportunity: e.opportunity, lead: e.lead, event });
		default:
			return toJson({ lead: e.lead, event });
	}
}

/**
 * A stale lead has no event row: its "event" is the crossing of the minimum (staleSince), named
 * by lead and inactivity episode, which is also what makes it fire once. It starts a new chain
 * (causation depth 0): nothing a workflow did caused the silence.
 */
export function staleLeadJson(s: StaleSample): IDataObject {
	return toJson({
		lead: s.lead,
		event: { id: `stale:${s.lead.id}:${s.episode}`, type: 'lead.stale', occurredAt: s.staleSince, causationDepth: 0, actor: { kind: 'system' } },
		daysInactive: s.daysInactive,
		lastActivityAt: s.lastActivityAt,
		lastActivityKind: s.lastActivityKind,
		episode: s.episode,
		staleSince: s.staleSince,
		checkedAt: s.checkedAt,
		// Manual mode with no stale lead: a real lead, marked, so the item's shape is the real one.
		...(s.notStaleYet ? { notStaleYet: true, note: `Not stale yet: no lead is stale now; this is the lead that goes stale first, at staleSince` } : {}),
	});
}

function withMessage(error: NodeOperationError, message: string) {
	// n8n swaps a message that merely contains a code such as ENOENT for a generic sentence.
	error.message = message;
	return error;
}

/** A clear activation error: store unreachable, or a setting the store refuses (Won / Lost, no stage...). */
export function activationError(node: INode, error: unknown): NodeOperationError {
	if (error instanceof NodeOperationError) return error;
	const reason = (error as Error)?.message ?? String(error);
	if (isLeadStoreError(error) && error.code === 'unavailable') {
		return withMessage(
			new NodeOperationError(node, reason, {
				description: 'Check the Lead Store credential (its Test button says what fails). n8n retries the activation; nothing is lost meanwhile.',
			}),
			`Cannot reach the lead store: ${reason}`,
		);
	}
	if (isLeadStoreError(error)) {
		return withMessage(
			new NodeOperationError(node, reason, { description: 'Fix this setting of the trigger and publish again.' }),
			`Invalid trigger setting: ${reason}`,
		);
	}
	return withMessage(new NodeOperationError(node, reason, { description: 'The trigger could not start.' }), `The trigger could not start: ${reason}`);
}

/** The credential's store, leased while the trigger is active (released by closeFunction). */
async function openStore(fn: ITriggerFunctions): Promise<StoreLease> {
	try {
		return await leaseStore(await fn.getCredentials('leadStoreApi'));
	} catch (error) {
		throw activationError(fn.getNode(), error);
	}
}

/**
 * `manual` is the editor's test run; every other mode is a real activation (see startFromActivationMode).
 */
function startFrom(fn: ITriggerFunctions): StartFrom | 'manual' {
	const mode = fn.getActivationMode();
	return startFromActivationMode(mode) ?? 'manual';
}

/**
 * A failed delivery attempt (store unreachable...). The core keeps the cursor and retries with
 * backoff, so the trigger must stay active: n8n's `saveFailedExecution` records a failed
 * execution (and runs the error workflow) without deactivating. `emitError` would deactivate and
 * re-activate with the original mode, which for `activate` means "start from now": the events
 * of the outage would be skipped. It is only the fallback for an n8n without saveFailedExecution.
 * Reported on attempts 1, 2, 4, 8...: a long outage does not fill the execution list.
 */
function deliveryErrorReporter(fn: ITriggerFunctions, what: string) {
	return (error: Error, info: { attempt: number; retryInMs: number }) => {
		const message = `Delivering ${what} failed (attempt ${info.attempt}; retrying in ${Math.ceil(info.retryInMs / 1000)} s, nothing is skipped): ${error.message}`;
		fn.logger?.warn(message, { workflowId: fn.getWorkflow().id, node: fn.getNode().name });
		if ((info.attempt & (info.attempt - 1)) !== 0) return;
		const nodeError = withMessage(
			new NodeOperationError(fn.getNode(), message, {
				description: 'The trigger stays active and retries with backoff; the event stays in the lead store until it is delivered.',
			}),
			message,
		);
		if (typeof fn.saveFailedExecution === 'function') fn.saveFailedExecution(nodeError);
		else fn.emitError(nodeError);
	};
}

const emitOne = (fn: ITriggerFunctions, json: IDataObject) => fn.emit([[{ json }]]);

/** Manual mode: the latest matching sample, or the next one; closeFunction stops the wait. */
function manualResponse(fn: ITriggerFunctions, lease: StoreLease, sample: (signal: AbortSignal) => Promise<IDataObject | null>): ITriggerResponse {
	const controller = new AbortController();
	return {
		closeFunction: async () => {
			controller.abort();
			lease.release();
		},
		manualTriggerFunction: async () => {
			let json: IDataObject | null;
			try {
				json = await sample(controller.signal);
			} catch (error) {
				throw activationError(fn.getNode(), error);
			}
			// n8n swaps `emit` for its manual-run resolver after trigger() returns: look it up now.
			if (json) emitOne(fn, json);
		},
	};
}

const workflowId = (fn: ITriggerFunctions) => String(fn.getWorkflow().id ?? '');

export async function runEventTrigger(
	fn: ITriggerFunctions,
	criteria: EventCriteriaInput,
	options: { catchUpWindowMs?: number; what: string },
): Promise<ITriggerResponse> {
	const lease = await openStore(fn);
	const { store } = lease;
	const from = startFrom(fn);
	if (from === 'manual') {
		return manualResponse(fn, lease, async (signal) => {
			const event = await sampleEvent(store, criteria, { signal });
			return event ? deliveredEventJson(event) : null;
		});
	}
	const closing = new AbortController();
	try {
		const feed = await startEventFeed(store, {
			workflowId: workflowId(fn),
			nodeId: fn.getNode().id,
			startFrom: from,
			catchUpWindowMs: options.catchUpWindowMs,
			criteria,
			emit: ([event], key) => handOver(fn, deliveredEventJson(event), key, event.lead.id, closing.signal),
			onError: deliveryErrorReporter(fn, options.what),
		});
		// Closes the feed and gives the store back: it is shared by every node on the credential.
		return {
			closeFunction: async () => {
				closing.abort();
				await feed.close().finally(lease.release);
			},
		};
	} catch (error) {
		lease.release();
		throw activationError(fn.getNode(), error);
	}
}

export async function runStaleTrigger(
	fn: ITriggerFunctions,
	criteria: StaleCriteriaInput,
	options: { checkIntervalMs: number },
): Promise<ITriggerResponse> {
	const lease = await openStore(fn);
	const { store } = lease;
	const from = startFrom(fn);
	if (from === 'manual') {
		return manualResponse(fn, lease, async (signal) => {
			const stale = await sampleEvent(store, { ...criteria, kind: 'lead.stale' }, { signal, closest: true });
			return stale ? staleLeadJson(stale) : null;
		});
	}
	const closing = new AbortController();
	try {
		const watch = await startStaleWatch(store, {
			workflowId: workflowId(fn),
			nodeId: fn.getNode().id,
			startFrom: from,
			criteria,
			checkIntervalMs: options.checkIntervalMs,
			emit: ([stale], key) => handOver(fn, staleLeadJson(stale), key, stale.lead.id, closing.signal),
			onError: deliveryErrorReporter(fn, 'stale leads'),
		});
		return {
			closeFunction: async () => {
				closing.abort();
				await watch.close().finally(lease.release);
			},
		};
	} catch (error) {
		lease.release();
		throw activationError(fn.getNode(), error);
	}
}

/**
 * A number setting that must be finite and at least `min` (or above it, with `above`):
 * expressions can bypass the editor's bounds.
 */
export function numberSetting(node: INode, raw: unknown, label: string, min: number, above = false): number {
	const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
	if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (above && value === min)) {
		const message = `Invalid trigger setting: ${label} must be a number ${above ? 'above' : 'of at least'} ${min}; got ${JSON.stringify(raw)}`;
		throw withMessage(new NodeOperationError(node, message), message);
	}
	return value;
}
