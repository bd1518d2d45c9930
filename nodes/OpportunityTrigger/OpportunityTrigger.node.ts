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
import { eventTriggerOptions } from '../shared/descriptions';
import { getOpportunityStatuses, getOpportunityStatusesOrAny } from '../shared/opportunities/listSearch';
import { optionLabel } from '../shared/subtitles';
import { OPPORTUNITY_TRIGGER_EVENTS, opportunityEventOptions, opportunityFilters, startOpportunityTrigger, type OpportunityTriggerEventName } from './events';

const eventNames = Object.keys(OPPORTUNITY_TRIGGER_EVENTS) as OpportunityTriggerEventName[];

/** Shows a property only for the given event (keeping its own display conditions). */
const forEvent = (property: INodeProperties, event: OpportunityTriggerEventName): INodeProperties => ({
	...property,
	displayOptions: { ...property.displayOptions, show: { ...property.displayOptions?.show, event: [event] } },
});

/**
 * Opportunity events, delivered the same durable way as the lead triggers: one execution per
 * event, the opportunity with its lead; a status change adds the previous and new status.
 */
export class OpportunityTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Opportunity Trigger',
		name: 'opportunityTrigger',
		icon: { light: 'file:../../icons/lead.svg', dark: 'file:../../icons/lead.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: `={{ ${optionLabel('event', opportunityEventOptions, 'an opportunity event')} }}`,
		description: 'Starts the workflow on an opportunity event: created, status changed or updated, with filters on status, value, owner and the lead',
		eventTriggerDescription: 'Waiting for an opportunity event',
		activationMessage: 'Each matching opportunity event now starts this workflow.',
		defaults: { name: 'Opportunity Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'leadStoreApi', required: true, testedBy: 'leadStoreApiTest' }],
		properties: [
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: opportunityEventOptions,
				default: 'opportunityStatusChanged',
			},
			...eventNames.flatMap((event) => OPPORTUNITY_TRIGGER_EVENTS[event].settings.map((p) => forEvent(p, event))),
			opportunityFilters,
			...audienceFilterProperties,
			eventTriggerOptions,
		],
	};

	methods = {
		loadOptions: { getOpportunityStatuses, getOpportunityStatusesOrAny },
		credentialTest: { leadStoreApiTest },
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		return startOpportunityTrigger(this);
	}
}
