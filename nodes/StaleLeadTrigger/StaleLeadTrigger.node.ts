import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';
import { audienceFilterProperties } from '../shared/audienceFilterDescription';
import { leadStoreApiTest } from '../shared/credentialTest';
import { LEAD_TRIGGER_EVENTS, stageLoadOptions } from '../shared/leadEvents';
import { numberOr, param } from '../shared/subtitles';

const staleLead = LEAD_TRIGGER_EVENTS.staleLead;
const { getOpenStages } = stageLoadOptions;

export class StaleLeadTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Stale Lead Trigger',
		name: 'staleLeadTrigger',
		icon: { light: 'file:../../icons/lead.svg', dark: 'file:../../icons/lead.dark.svg' },
		group: ['trigger'],
		version: 1,
		// N and M stand for days an expression gives.
		subtitle: `={{ ((period, min, max) => period === "between" ? "inactive " + min + " to " + max + " days" : period === "equals" ? "inactive exactly " + min + " days" : period === "gte" ? "inactive at least " + min + " days" : "inactive for a set period")(${param('inactivePeriod')}, ${numberOr('minDays', 'N')}, ${numberOr('maxDays', 'M')}) }}`,
		description:
			'Starts the workflow once per lead and inactivity period when a lead in the chosen open stages has had no activity (stage change, email, SMS, call, meeting, other) for the set number of days',
		eventTriggerDescription: 'Waiting for a lead to go stale',
		activationMessage: 'Leads that are or become stale in the chosen stages now start this workflow, once per inactivity period.',
		defaults: { name: 'Stale Lead Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'leadStoreApi', required: true, testedBy: 'leadStoreApiTest' }],
		properties: [...staleLead.settings, ...audienceFilterProperties, staleLead.options],
	};

	methods = {
		loadOptions: { getOpenStages },
		credentialTest: { leadStoreApiTest },
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		return staleLead.start(this);
	}
}
