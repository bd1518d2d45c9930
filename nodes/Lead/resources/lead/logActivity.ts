import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { CALL_OUTCOMES, DIRECTIONS, LOGGABLE_ACTIVITY_KINDS, type LeadOps, type WriteContext } from '../../../../core';
import { leadLocator } from '../../../shared/descriptions';
import { toJson } from '../../../shared/output';
import { optionsFrom, optionValue } from '../../../shared/options';
import { locatorValue } from '../../../shared/parameters';
import { membersById, taskOutput } from '../../../shared/tasks/output';
import { resumeAfterCommit } from '../../../shared/tasks/resume';

const show = { resource: ['lead'], operation: ['logActivity'] };

const kindOptions = optionsFrom(LOGGABLE_ACTIVITY_KINDS, { email: 'Email', sms: 'SMS', call: 'Call', meeting: 'Meeting', other: 'Other' });
const directionOptions = optionsFrom(DIRECTIONS, { inbound: 'Inbound', outbound: 'Outbound' });
/** A call's outcome closes the lead's open call tasks: completed → done, the others → skipped (seed 002). */
const outcomeOptions = optionsFrom(['none', ...CALL_OUTCOMES], {
	none: { name: 'Not Given', description: "Leave the lead's call tasks open" },
	completed: { name: 'Completed', description: "Closes the lead's open call tasks as done" },
	busy: { name: 'Busy', description: "Closes the lead's open call tasks as skipped" },
	no_answer: { name: 'No Answer', description: "Closes the lead's open call tasks as skipped" },
	failed: { name: 'Failed', description: "Closes the lead's open call tasks as skipped" },
});

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
		displayName: 'Call Outcome',
		name: 'callOutcome',
		type: 'options',
		options: outcomeOptions,
		default: 'none',
		displayOptions: { show: { ...show, kind: ['call'] } },
		description: 'Closes the lead\'s open call tasks and wakes the runs waiting for them',
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
	const kind = optionValue(fn, 'kind', i, kindOptions);
	const outcome = kind === 'call' ? optionValue(fn, 'callOutcome', i, outcomeOptions, 'none') : 'none';
	const { activity, lead, tasks } = await ops.logActivity(
		locatorValue(fn, 'lead', i),
		{ kind, direction: optionValue(fn, 'direction', i, directionOptions), at: extra.at, details: extra.details, outcome: outcome === 'none' ? undefined : outcome },
		context,
	);
	for (const closed of tasks) resumeAfterCommit(fn, i, closed.resumeUrl);
	const members = tasks.length ? await membersById(ops) : new Map();
	return { ...toJson(activity), lead: toJson(lead), ...(outcome === 'none' ? {} : { tasks: tasks.map((c) => taskOutput(c.task, lead, members)) }) };
}
