import {
	NodeConnectionTypes,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { checkWindow, invalid, timezone, WEEKDAYS, type LeadOps, type SendWindowDefinition } from '../../core';
import { leadLocator } from '../shared/descriptions';
import { actionMethods } from '../shared/nodeBase';
import { checkOption, optionsFrom, optionValue } from '../shared/options';
import { locatorValue } from '../shared/parameters';
import { runItems } from '../shared/runItems';
import { textOr } from '../shared/subtitles';

const dayOptions = optionsFrom(WEEKDAYS, { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' });

const timezoneFromOptions = optionsFrom(['window', 'leadField'] as const, {
	window: { name: "The Window's (or the Workflow's)", description: "The timezone below; empty: the workflow's" },
	leadField: { name: "The Lead's Own, From a Field", description: "A custom field of the lead holding an IANA timezone; a lead without one uses the window's" },
});

/** n8n checks waiting runs once a minute; a shorter hold waits in memory, as n8n's Wait node does. */
const IN_MEMORY_MS = 65_000;

export class SendWindow implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Send Window',
		name: 'sendWindow',
		icon: { light: 'file:../../icons/lead.svg', dark: 'file:../../icons/lead.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{ ${textOr('windowName', 'Send window', 'Window from an expression', 'Window: ')} }}`,
		description: 'Hold items until a named send window (weekly hours, blackout dates) is open; place it before Send Email or Twilio',
		defaults: { name: 'Send Window' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'leadStoreApi', required: true, testedBy: 'leadStoreApiTest' }],
		properties: [
			{
				displayName: 'Window Name',
				name: 'windowName',
				type: 'string',
				required: true,
				default: 'Business Hours',
				description: 'Windows are shared by name across workflows: the open hours given here are saved under it; left empty, the window as saved elsewhere is used',
			},
			{
				displayName: 'Open Hours',
				name: 'hours',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Open Hours',
				default: {},
				options: [
					{
						displayName: 'Open',
						name: 'open',
						values: [
							{ displayName: 'Days', name: 'days', type: 'multiOptions', options: dayOptions, default: ['mon', 'tue', 'wed', 'thu', 'fri'] },
							{ displayName: 'From', name: 'from', type: 'string', default: '09:00', placeholder: 'HH:mm' },
							{ displayName: 'To', name: 'to', type: 'string', default: '17:00', placeholder: 'HH:mm (24:00 for midnight)' },
						],
					},
				],
			},
			{
				displayName: 'Timezone',
				name: 'windowTimezone',
				type: 'string',
				default: '',
				placeholder: 'e.g. Europe/Berlin',
				description: "IANA timezone of the open hours. Empty: the workflow's timezone (Workflow Settings).",
			},
			{
				displayName: 'Blackout Dates',
				name: 'blackouts',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Blackout',
				default: {},
				options: [
					{
						displayName: 'Blackout',
						name: 'dates',
						values: [
							{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'e.g. Christmas' },
							{ displayName: 'From', name: 'from', type: 'string', default: '', placeholder: 'YYYY-MM-DD' },
							{ displayName: 'To', name: 'to', type: 'string', default: '', placeholder: 'YYYY-MM-DD (empty: one day)' },
							{ displayName: 'Every Year', name: 'yearly', type: 'boolean', default: false },
						],
					},
				],
			},
			{
				displayName: 'Timezone From',
				name: 'timezoneFrom',
				type: 'options',
				options: timezoneFromOptions,
				default: 'window',
			},
			leadLocator({ displayOptions: { show: { timezoneFrom: ['leadField'] } } }),
			{
				displayName: 'Lead Timezone Field',
				name: 'leadTimezoneField',
				type: 'string',
				default: 'timezone',
				displayOptions: { show: { timezoneFrom: ['leadField'] } },
				description: 'The custom field of the lead that holds its timezone',
			},
		],
	};

	methods = actionMethods();

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const workflowZone = this.getTimezone();
		const now = Date.now();
		let window: SendWindowDefinition | undefined;
		const output = await runItems(this, async (ops, i) => {
			const from = optionValue(this, 'timezoneFrom', i, timezoneFromOptions, 'window');
			window ??= await windowFor(this, ops);
			const zone = await zoneFor(this, ops, i, from, window.timezone ?? workflowZone);
			const check = checkWindow(window, now, zone);
			const json = this.getInputData()[i].json;
			return { ...json, sendWindow: { name: window.name, timezone: zone, open: check.open, releasedAt: new Date(check.releaseAt).toISOString(), reason: check.reason } };
		});
		const windows = output[0].map((item) => item.json.sendWindow as IDataObject | undefined).filter((w): w is IDataObject => Boolean(w));
		const releaseAt = Math.max(now, ...windows.map((w) => Date.parse(String(w.releasedAt))));
		// All items of a run go on together, when the last of them may: each says its own reason.
		const released = output[0].map((item) =>
			item.json.sendWindow ? { ...item, json: { ...item.json, sendWindow: { ...(item.json.sendWindow as IDataObject), releasedAt: new Date(releaseAt).toISOString() } } } : item,
		);
		const wait = releaseAt - Date.now();
		if (wait <= 0) return [released];
		if (wait < IN_MEMORY_MS) {
			await sleep(wait);
			return [released];
		}
		// n8n resumes a timed wait by passing this node's input through: make it the released items.
		this.getExecuteData().data.main[0] = released;
		await this.putExecutionToWait(new Date(releaseAt));
		return [released];
	}
}

/** The window: saved under its name when hours are given here, else as saved elsewhere. */
async function windowFor(fn: IExecuteFunctions, ops: LeadOps): Promise<SendWindowDefinition> {
	const name = fn.getNodeParameter('windowName', 0, '');
	const open = ((fn.getNodeParameter('hours', 0, {}) as IDataObject).open ?? []) as IDataObject[];
	if (open.length === 0) return ops.getSendWindow(name, 'windowName');
	const hours = open.map((h) => {
		const days = (Array.isArray(h.days) ? h.days : [h.days]).map((d) => checkOption('days', d, dayOptions));
		return { days, from: h.from, to: h.to };
	});
	const blackouts = ((fn.getNodeParameter('blackouts', 0, {}) as IDataObject).dates ?? []) as IDataObject[];
	return ops.defineSendWindow({ name, timezone: fn.getNodeParameter('windowTimezone', 0, '') || null, hours, blackouts });
}

async function zoneFor(fn: IExecuteFunctions, ops: LeadOps, i: number, from: string, fallback: string): Promise<string> {
	if (from !== 'leadField') return timezone(fallback, 'windowTimezone');
	const field = String(fn.getNodeParameter('leadTimezoneField', i, 'timezone') ?? '').trim();
	if (!field) throw invalid('leadTimezoneField', 'leadTimezoneField: name the custom field that holds the lead\'s timezone');
	const lead = await ops.getLead(locatorValue(fn, 'lead', i));
	const own = (lead.custom ?? {})[field];
	return own === undefined || own === null || own === '' ? timezone(fallback, 'windowTimezone') : timezone(own, `custom.${field}`);
}
