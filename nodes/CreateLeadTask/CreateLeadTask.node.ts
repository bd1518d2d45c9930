import {
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { timezone, type DueInput, type TaskAssignee } from '../../core';
import { leadLocator, memberLocator, priorityOptions } from '../shared/descriptions';
import { toJson } from '../shared/output';
import { locatorValue } from '../shared/parameters';
import { runItems } from '../shared/runItems';
import { actionDescription, actionMethods } from '../shared/nodeBase';
import { optionLabel } from '../shared/subtitles';

const dueIs = (due: string) => ({ show: { due: [due] } });

/** The Type list, also read by the subtitle ("Follow-Up task"). */
const taskTypeOptions = [
	{ name: 'Call', value: 'call' },
	{ name: 'Email', value: 'email' },
	{ name: 'Follow-Up', value: 'follow_up' },
	{ name: 'Meeting', value: 'meeting' },
	{ name: 'Other', value: 'other' },
];

export class CreateLeadTask implements INodeType {
	description: INodeTypeDescription = actionDescription({
		displayName: 'Create Lead Task',
		name: 'createLeadTask',
		subtitle: `={{ ${optionLabel('type', taskTypeOptions, 'Lead')} + " task" }}`,
		description: 'Create a follow-up task on a lead: type, due date, assignee, priority',
		properties: [
			leadLocator(),
			{
				displayName: 'Type',
				name: 'type',
				type: 'options',
				options: taskTypeOptions,
				default: 'follow_up',
			},
			{
				displayName: 'Description',
				name: 'description',
				type: 'string',
				typeOptions: { rows: 3 },
				required: true,
				default: '',
				placeholder: 'e.g. Call back about the quote',
				description: 'What to do. Use expressions to put lead or workflow data in it.',
			},
			{
				displayName: 'Due',
				name: 'due',
				type: 'options',
				options: [
					{ name: 'After a Delay', value: 'after', description: 'Minutes, hours or days after this step runs' },
					{ name: 'At a Date and Time', value: 'at' },
					{ name: 'Immediately', value: 'immediately', description: 'Due when this step runs' },
				],
				default: 'after',
				description: 'When the task falls due',
			},
			{
				displayName: 'Amount',
				name: 'dueAmount',
				type: 'number',
				typeOptions: { minValue: 0, numberPrecision: 0 },
				default: 1,
				displayOptions: dueIs('after'),
			},
			{
				displayName: 'Unit',
				name: 'dueUnit',
				type: 'options',
				options: [
					{ name: 'Days', value: 'days', description: "Calendar days in the workflow's timezone: same time of day, also across a daylight-saving change" },
					{ name: 'Hours', value: 'hours' },
					{ name: 'Minutes', value: 'minutes' },
				],
				default: 'days',
				displayOptions: dueIs('after'),
			},
			{
				displayName: 'Date and Time',
				name: 'dueAt',
				type: 'dateTime',
				required: true,
				default: '',
				displayOptions: dueIs('at'),
				description: 'When the task falls due. A date and time without an offset is read in the timezone below.',
			},
			{
				displayName: 'Timezone',
				name: 'dueTimezone',
				type: 'string',
				default: '',
				placeholder: 'e.g. Europe/Berlin',
				displayOptions: dueIs('at'),
				description: "IANA timezone name the date and time is read in. Empty: the workflow's timezone (Workflow Settings).",
			},
			{
				displayName: 'Assign To',
				name: 'assignTo',
				type: 'options',
				options: [
					{ name: 'A Specific Member', value: 'member' },
					{ name: 'Nobody', value: 'none' },
					{ name: "The Lead's Owner", value: 'owner', description: 'If the lead has no owner, the task has no assignee and the output says why' },
				],
				default: 'owner',
			},
			memberLocator({ displayName: 'Assignee', name: 'assignee', displayOptions: { show: { assignTo: ['member'] } } }),
			{
				displayName: 'Priority',
				name: 'priority',
				type: 'options',
				options: priorityOptions,
				default: 'normal',
			},
			{
				displayName: 'Required',
				name: 'required',
				type: 'boolean',
				default: true,
				description:
					'Whether the task must be completed (on) or is optional (off). Stored on the task for the team and for later steps to check; this workflow carries on either way.',
			},
		],
	});

	methods = actionMethods();

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const fn = this;
		const workflowTimezone = fn.getTimezone();
		return runItems(fn, async (ops, i, context) => {
			const { task, lead, assignee, reason } = await ops.createTask(
				locatorValue(fn, 'lead', i),
				{
					type: fn.getNodeParameter('type', i),
					description: fn.getNodeParameter('description', i, ''),
					due: dueFrom(fn, i),
					// Relative days are counted, and dates without an offset read, in the workflow's timezone.
					timezone: workflowTimezone,
					assignee: assigneeFrom(fn, i),
					priority: fn.getNodeParameter('priority', i, 'normal'),
					required: fn.getNodeParameter('required', i, true),
				},
				context,
			);
			return { ...toJson(task), lead: toJson(lead), assignee: assignee && toJson(assignee), ...(reason ? { reason } : {}) };
		});
	}
}

function dueFrom(fn: IExecuteFunctions, i: number): DueInput {
	const due = fn.getNodeParameter('due', i) as string;
	if (due === 'immediately') return { immediately: true };
	if (due === 'at') {
		const zone = String(fn.getNodeParameter('dueTimezone', i, '') ?? '').trim();
		return { at: fn.getNodeParameter('dueAt', i, ''), timezone: zone ? timezone(zone, 'timezone') : undefined };
	}
	return { amount: fn.getNodeParameter('dueAmount', i, 1), unit: fn.getNodeParameter('dueUnit', i, 'days') as string };
}

function assigneeFrom(fn: IExecuteFunctions, i: number): TaskAssignee {
	const to = fn.getNodeParameter('assignTo', i, 'owner') as string;
	if (to === 'member') return { kind: 'member', member: locatorValue(fn, 'assignee', i) };
	return to === 'none' ? { kind: 'none' } : { kind: 'owner' };
}
