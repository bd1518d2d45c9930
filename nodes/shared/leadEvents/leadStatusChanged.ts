/** The "lead status changed" trigger event: to and from stages, and how it starts. */
import type { INodeProperties, ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';
import { readAudienceFilter } from '../audienceFilterParameters';
import { activationError, runEventTrigger } from '../trigger';
import { catchUpWindowMs } from './catchUp';

export const settings: INodeProperties[] = [
	{
		displayName: 'To Stage Names or IDs',
		name: 'toStages',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getStagesOrAny' },
		default: ['any'],
		required: true,
		description:
			'The stages a lead moves to that start the workflow, or Any Stage. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'From Stage Names or IDs',
		name: 'fromStages',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getStages' },
		default: [],
		description:
			'Only moves out of these stages; leave empty for any. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
];

export async function start(fn: ITriggerFunctions): Promise<ITriggerResponse> {
	let criteria, windowMs;
	try {
		criteria = {
			kind: 'lead.stage_changed' as const,
			toStages: fn.getNodeParameter('toStages', []) as string[] | string,
			fromStages: fn.getNodeParameter('fromStages', []) as string[] | string,
			filter: readAudienceFilter((name, fallback) => fn.getNodeParameter(name, fallback)),
		};
		windowMs = catchUpWindowMs(fn);
	} catch (error) {
		throw activationError(fn.getNode(), error);
	}
	return runEventTrigger(fn, criteria, { catchUpWindowMs: windowMs, what: 'stage changes' });
}
