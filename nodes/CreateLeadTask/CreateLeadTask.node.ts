import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { DUE_UNITS, TASK_TYPES, timezone, type DueInput, type TaskAssignee } from '../../core';
import { leadLocator, memberLocator, priorityOptions } from '../shared/descriptions';
import { toJson } from '../shared/output';
import { optionsFrom, optionValue } from '../shared/options';
import { locatorValue } from '../shared/parameters';
import { runItems } from '../shared/runItems';
import { optionLabel } from '../shared/subtitles';
import { actionMethods } from '../shared/nodeBase';

const dueIs = (due: string) => ({ show: { due: [due] } });

/** The Type list, also read by the subtitle ("Follow-Up task"). */
const taskTypeOptions = optionsFrom(TASK_TYPES, { call: 'Call', email: 'Email', follow_up: 'Follow-Up', meeting: 'Meeting', other: 'Other' });

const dueOptions = optionsFrom(['after', 'at', 'immediately'] as const, {
	after: { name: 'After a Delay', description: 'Minutes, hours or days after this step runs' },
	at: 'At a Date and Time',
	immediately: { name: 'Immediately', description: 'Due when this step runs' },
});

const dueUnitOptions = optionsFrom(DUE_UNITS, {
	days: { name: 'Days', description: "Calendar days in the workflow's timezone: same time of day, also across a daylight-saving change" },
	hours: 'Hours',
	minutes: 'Minutes',
});

/** The assignee kinds of the core's TaskAssignee, as this node names them. */
const assignToOptions = optionsFrom(['member', 'none', 'owner'] satisfies Array<TaskAssignee['kind']>, {
	member: 'A Specific Member',
	none: 'Nobody',
	owner: { name: "The Lead's Owner", description: 'If the lead has no owner, the task has no assignee and the output says why' },
});

export class CreateLeadTask implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Create Lead Task',
		name: 'createLeadTask',
		icon: { light: 'file:../../icons/lead.svg', dark: 'file:../../icons/lead.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{ ${optionLabel('type', taskTypeOptions, 'Lead')} + " task" }}`,
		description: 'Create a follow-up task on a lead: type, due date, assignee, priority',
		defaults: { name: 'Create Lead Task' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'leadStoreApi', required: true, testedBy: 'leadStoreApiTest' }],
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
				options: dueOptions,
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
				options: dueUnitOptions,
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
				options: assignToOptions,
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
	};

	methods = actionMethods();

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const workflowTimezone = this.getTimezone();
		return runItems(this, async (ops, i, context) => {
			const { task, lead, assignee, reason } = await ops.createTask(
				locatorValue(this, 'lead', i),
				{
					type: optionValue(this, 'type', i, taskTypeOptions),
					description: this.getNodeParameter('description', i, ''),
					due: dueFrom(this, i),
					// Relative days are counted, and dates without an offset read, in the workflow's timezone.
					timezone: workflowTimezone,
					assignee: assigneeFrom(this, i),
					priority: optionValue(this, 'priority', i, priorityOptions, 'normal'),
					required: this.getNodeParameter('required', i, true),
				},
				context,
			);
			return { ...toJson(task), lead: toJson(lead), assignee: assignee && toJson(assignee), ...(reason ? { reason } : {}) };
		});
	}
}

function dueFrom(fn: IExecuteFunctions, i: number): DueInput {
	const due = optionValue(fn, 'due', i, dueOptions);
	if (due === 'immediately') return { immediately: true };
	if (due === 'at') {
		const zone = String(fn.getNodeParameter('dueTimezone', i, '') ?? '').trim();
		return { at: fn.getNodeParameter('dueAt', i, ''), timezone: zone ? timezone(zone, 'timezone') : undefined };
	}
	return { amount: fn.getNodeParameter('dueAmount', i, 1), unit: optionValue(fn, 'dueUnit', i, dueUnitOptions, 'days') };
}

function assigneeFrom(fn: IExecuteFunctions, i: number): TaskAssignee {
	const to = optionValue(fn, 'assignTo', i, assignToOptions, 'owner');
	return to === 'member' ? { kind: 'member', member: locatorValue(fn, 'assignee', i) } : { kind: to };
}
