/** The "lead created" trigger event: its settings and how it starts. */
import type { INodeProperties, ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';
import { readAudienceFilter } from '../audienceFilterParameters';
import { activationError, runEventTrigger } from '../trigger';
import { catchUpWindowMs } from './catchUp';

/** Settings shown before the audience filter (none: every new lead, filtered or not). */
export const settings: INodeProperties[] = [];

export async function start(fn: ITriggerFunctions): Promise<ITriggerResponse> {
	let criteria, windowMs;
	try {
		criteria = { kind: 'lead.created' as const, filter: readAudienceFilter((name, fallback) => fn.getNodeParameter(name, fallback)) };
		windowMs = catchUpWindowMs(fn);
	} catch (error) {
		throw activationError(fn.getNode(), error);
	}
	return runEventTrigger(fn, criteria, { catchUpWindowMs: windowMs, what: 'new leads' });
}
