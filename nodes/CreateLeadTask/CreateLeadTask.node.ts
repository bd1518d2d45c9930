import { randomUUID } from 'node:crypto';
import {
	NodeConnectionTypes,
	WAIT_INDEFINITELY,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';
import { describe, DUE_UNITS, invalid, TASK_TYPES, timezone, type DueInput, type TaskAssignee, type TaskHoldInput } from '../../core';
import { leadLocator, memberLocator, priorityOptions } from '../shared/descriptions';
import { optionsFrom, optionValue } from '../shared/options';
import { locatorValue } from '../shared/parameters';
import { runItems } from '../shared/runItems';
import { optionLabel } from '../shared/subtitles';
import { actionMethods } from '../shared/nodeBase';
import { membersById, taskOutput } from '../shared/tasks/output';
import { taskWebhook } from './webhook';

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
const assignToOptions = optionsFrom(['field', 'member', 'none', 'owner', 'pool'] satisfies Array<TaskAssignee['kind']>, {
	field: { name: 'A Member Named in a Lead Field', description: 'The member (ID or email) in a custom field of the lead; none found: unassigned' },
	member: 'A Specific Member',
	none: 'Nobody',
	owner: { name: "The Lead's Owner", description: 'If the lead has no owner, the task has no assignee and the output says why' },
	pool: { name: 'A Pool', description: 'Every active member of the pool holds the task; the first to close it closes it for all' },
});

/** Seed 002's required and optional tasks: whether (and how long) the run waits for the task. */
const waitOptions = optionsFrom(['required', 'optional', 'optionalWithLimit'] as const, {
	required: { name: 'Required: Wait Until Done', description: 'The run waits (no worker held) until the task is completed or canceled' },
	optional: { name: 'Optional: Go On at Once', description: 'The run goes on; the task stays for the team' },
	optionalWithLimit: { name: 'Optional: Wait up to a Limit', description: 'The run waits until the task is closed or the limit passes (outcome "expired")' },
});

const limitUnitOptions = optionsFrom(['minutes', 'hours', 'days'] as const, { minutes: 'Minutes', hours: 'Hours', days: 'Days' });
const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

// Its webhooks are restart webhooks (n8n's Wait node has the same): n8n routes them to the waiting
// run itself, nothing is registered with a third party, so there is no lifecycle to implement.
// eslint-disable-next-line @n8n/community-nodes/webhook-lifecycle-complete
export class CreateLeadTask implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Create Lead Task',
		name: 'createLeadTask',
		icon: { light: 'file:../../icons/lead.svg', dark: 'file:../../icons/lead.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{ ${optionLabel('type', taskTypeOptions, 'Lead')} + " task" }}`,
		description: 'Create a task on a lead (type, due date, assignee or pool, priority); optionally wait until it is done',
		defaults: { name: 'Create Lead Task' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'leadStoreApi', required: true, testedBy: 'leadStoreApiTest' }],
		// n8n routes these to this node while its run waits here. The path is the node id, as in
		// n8n's send-and-wait nodes, so each task's link is signed for this node and task.
		webhooks: [
			{ name: 'default', httpMethod: 'GET', responseMode: 'onReceived', responseData: '', path: '={{ $nodeId }}', restartWebhook: true, isFullPath: true },
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: '', path: '={{ $nodeId }}', restartWebhook: true, isFullPath: true },
		],
		waitingNodeTooltip: 'The run waits until the task is closed (Lead node: Task, its completion link, or a logged call)',
		properties: [
			// n8n checks a send-and-wait link's signature (signed per node and task) and shows its
			// own "No action required" page for a link whose run has gone on; that mark is this.
			{ displayName: 'Operation', name: 'operation', type: 'hidden', default: 'sendAndWait' },
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
				displayName: 'Wait for Completion',
				name: 'waitForCompletion',
				type: 'options',
				options: waitOptions,
				// Optional keeps workflows built before this option unchanged; seed 002's default is Required.
				default: 'optional',
			},
			{
				displayName: 'Pending Limit',
				name: 'limitAmount',
				type: 'number',
				typeOptions: { minValue: 1, numberPrecision: 0 },
				default: 1,
				displayOptions: { show: { waitForCompletion: ['optionalWithLimit'] } },
				description: 'How long the run waits before it goes on with outcome "expired" (n8n checks waiting runs once a minute)',
			},
			{
				displayName: 'Limit Unit',
				name: 'limitUnit',
				type: 'options',
				options: limitUnitOptions,
				default: 'days',
				displayOptions: { show: { waitForCompletion: ['optionalWithLimit'] } },
			},
			{
				displayName: 'Pool Name',
				name: 'pool',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. Sales',
				displayOptions: { show: { assignTo: ['pool'] } },
				description: 'A pool defined by Assign Lead (shared by name)',
			},
			{
				displayName: 'Lead Field',
				name: 'assigneeField',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. assigned_rep',
				displayOptions: { show: { assignTo: ['field'] } },
				description: 'The custom field of the lead that holds the member (ID or email)',
			},
			{
				displayName: 'Required',
				name: 'required',
				type: 'boolean',
				default: true,
				displayOptions: { show: { waitForCompletion: ['optional'] } },
				description: 'Whether the task is marked required for the team; this run goes on either way',
			},
		],
	};

	methods = actionMethods();

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return taskWebhook.call(this);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const workflowTimezone = this.getTimezone();
		// One hold for the node's run: the run goes on once every held item's task is closed.
		const hold = holdFor(this);
		const output = await runItems(this, async (ops, i, context) => {
			const wait = optionValue(this, 'waitForCompletion', i, waitOptions, 'optional');
			const until = wait === 'optionalWithLimit' ? limitFor(this, i) : null;
			const { task, lead, assignee, holders, reason } = await ops.createTask(
				locatorValue(this, 'lead', i),
				{
					type: optionValue(this, 'type', i, taskTypeOptions),
					description: this.getNodeParameter('description', i, ''),
					due: dueFrom(this, i),
					// Relative days are counted, and dates without an offset read, in the workflow's timezone.
					timezone: workflowTimezone,
					assignee: assigneeFrom(this, i),
					priority: optionValue(this, 'priority', i, priorityOptions, 'normal'),
					required: wait === 'optional' ? this.getNodeParameter('required', i, true) : wait === 'required',
					hold: wait === 'optional' ? undefined : { ...hold, item: i, until },
				},
				context,
			);
			return taskOutput(task, lead, await membersById(ops), { assignee, holders, reason });
		});
		const held = output[0].map((item) => item.json.waiting as IDataObject | null | undefined).filter((w): w is IDataObject => Boolean(w));
		if (held.length === 0) return output;
		// The run waits until every held task is closed, or until the last limit if all have one.
		const until = held.some((w) => !w.until) ? null : Math.max(...held.map((w) => Date.parse(String(w.until))));
		// What the run hands on if the limit passes first: n8n resumes a timed-out wait by passing
		// this node's input through, so the input becomes the "expired" items now.
		const expired = output[0].map((item) => (item.json.waiting ? { ...item, json: { ...item.json, outcome: 'expired', expiredAt: (item.json.waiting as IDataObject).until } } : item));
		this.getExecuteData().data.main[0] = expired;
		await this.putExecutionToWait(until ? new Date(until) : WAIT_INDEFINITELY);
		return [expired];
	}
}

/** What every held item's task records: this run, this node, its signed address per task. */
function holdFor(fn: IExecuteFunctions): Omit<TaskHoldInput, 'item' | 'until'> {
	return {
		id: randomUUID(),
		executionId: fn.getExecutionId(),
		node: fn.getNode().name,
		resumeUrlFor: (taskId) => fn.getSignedResumeUrl({ task: String(taskId) }),
	};
}

/** When item i's run stops waiting: its pending limit from now; ≤ 0 is refused naming the field. */
function limitFor(fn: IExecuteFunctions, i: number): number {
	const amount = Number(fn.getNodeParameter('limitAmount', i, 1));
	if (!Number.isFinite(amount) || amount <= 0) throw invalid('limitAmount', `limitAmount: the pending limit must be more than 0; got ${describe(fn.getNodeParameter('limitAmount', i, 1))}`);
	return Date.now() + amount * UNIT_MS[optionValue(fn, 'limitUnit', i, limitUnitOptions, 'days')];
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
	if (to === 'member') return { kind: 'member', member: locatorValue(fn, 'assignee', i) };
	if (to === 'pool') return { kind: 'pool', pool: fn.getNodeParameter('pool', i, '') };
	if (to === 'field') return { kind: 'field', field: fn.getNodeParameter('assigneeField', i, '') };
	return { kind: to };
}
