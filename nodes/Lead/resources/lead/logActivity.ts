import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { DIRECTIONS, LOGGABLE_ACTIVITY_KINDS, type LeadOps, type WriteContext } from '../../../../core';
import { leadLocator } from '../../../shared/descriptions';
import { toJson } from '../../../shared/output';
import { optionsFrom, optionValue } from '../../../shared/options';
import { locatorValue } from '../../../shared/parameters';

const show = { resource: ['lead'], operation: ['logActivity'] };

const kindOptions = optionsFrom(LOGGABLE_ACTIVITY_KINDS, { email: 'Email', sms: 'SMS', call: 'Call', meeting: 'Meeting', other: 'Other' });
const directionOptions = optionsFrom(DIRECTIONS, { inbound: 'Inbound', outbound: 'Outbound' });

export const description: INodeProperties[] = [
	leadLocator({ displayOptions: { show } }),
	{
		displayName: 'Kind',
		name: 'kind',
		type: 'options',
		options: kindOptions,
		default: 'email',
		displayOptions: { show },
		description: 'Every logged activity starts a new inactivity episode (Stale Lead Trigger); notes and tasks do not',
	},
	{
		displayName: 'Direction',
		name: 'direction',
		type: 'options',
		options: directionOptions,
		default: 'outbound',
		displayOptions: { show },
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			{ displayName: 'Happened At', name: 'at', type: 'dateTime', default: '', description: 'When it happened. Empty: now.' },
			{ displayName: 'Details', name: 'details', type: 'string', typeOptions: { rows: 3 }, default: '' },
		],
	},
];

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number, context: WriteContext) {
	const extra = fn.getNodeParameter('additionalFields', i, {}) as { at?: string; details?: string };
	const { activity, lead } = await ops.logActivity(
		locatorValue(fn, 'lead', i),
		{ kind: optionValue(fn, 'kind', i, kindOptions), direction: optionValue(fn, 'direction', i, directionOptions), at: extra.at, details: extra.details },
		context,
	);
	return { ...toJson(activity), lead: toJson(lead) };
}
