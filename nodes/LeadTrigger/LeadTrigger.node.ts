import {
	NodeConnectionTypes,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';
import { audienceFilterProperties } from '../shared/audienceFilterDescription';
import { leadStoreApiTest } from '../shared/credentialTest';
import { LEAD_TRIGGER_EVENTS, leadTriggerEventOptions, stageLoadOptions, type LeadTriggerEventName } from '../shared/leadEvents';
import { settingOption } from '../shared/options';
import { optionLabel } from '../shared/subtitles';
import { activationError } from '../shared/trigger';

/** Shows a property only for the given events (keeping its own display conditions). */
function forEvents(property: INodeProperties, events: LeadTriggerEventName[]): INodeProperties {
	const show = { ...property.displayOptions?.show, event: events };
	return { ...property, displayOptions: { ...property.displayOptions, show } };
}

const eventNames = Object.keys(LEAD_TRIGGER_EVENTS) as LeadTriggerEventName[];

/**
 * One trigger for every lead event, as the seed's trigger with its Trigger Type: n8n's node
 * creator lists its events under the Lead node (it pairs `lead` with `leadTrigger` and reads the
 * Event parameter). Each event behaves exactly as its single-event trigger node.
 */
export class LeadTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Lead Trigger',
		name: 'leadTrigger',
		icon: { light: 'file:../../icons/lead.svg', dark: 'file:../../icons/lead.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: `={{ ${optionLabel('event', leadTriggerEventOptions, 'a lead event')} }}`,
		// n8n shows this under the Lead node's name in the node creator too, so it speaks for both.
		description: 'Lead management: lead events (a new lead, a stage change, a lead going stale) start workflows; actions manage leads, stages and the team',
		eventTriggerDescription: 'Waiting for a lead event',
		activationMessage: 'Each matching lead event now starts this workflow.',
		defaults: { name: 'Lead Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'leadStoreApi', required: true, testedBy: 'leadStoreApiTest' }],
		properties: [
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: leadTriggerEventOptions,
				default: 'leadCreated',
			},
			...eventNames.flatMap((event) => LEAD_TRIGGER_EVENTS[event].settings.map((p) => forEvents(p, [event]))),
			...audienceFilterProperties,
			// Events that share one Options collection show it once.
			...[...new Set(eventNames.map((event) => LEAD_TRIGGER_EVENTS[event].options))].map((options) =>
				forEvents(options, eventNames.filter((event) => LEAD_TRIGGER_EVENTS[event].options === options)),
			),
		],
	};

	methods = {
		loadOptions: stageLoadOptions,
		credentialTest: { leadStoreApiTest },
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		let event: LeadTriggerEventName;
		try {
			event = settingOption(this, 'event', leadTriggerEventOptions);
		} catch (error) {
			throw activationError(this.getNode(), error);
		}
		return LEAD_TRIGGER_EVENTS[event].start(this);
	}
}
