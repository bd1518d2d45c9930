import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';
import { audienceFilterProperties } from '../shared/audienceFilterDescription';
import { leadStoreApiTest } from '../shared/credentialTest';
import { LEAD_TRIGGER_EVENTS } from '../shared/leadEvents';
import { param } from '../shared/subtitles';

const leadCreated = LEAD_TRIGGER_EVENTS.leadCreated;

export class LeadCreatedTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Lead Created Trigger',
		name: 'leadCreatedTrigger',
		icon: { light: 'file:../../icons/lead.svg', dark: 'file:../../icons/lead.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: `={{ ${param('filterLeads')} === false ? "every new lead" : "new leads matching the filter" }}`,
		description: 'Starts the workflow once for each new lead (from a form, an integration, an import or a person) that passes the audience filter',
		eventTriggerDescription: 'Waiting for a new lead',
		activationMessage: 'Each new lead that passes the filter now starts this workflow.',
		defaults: { name: 'Lead Created Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'leadStoreApi', required: true, testedBy: 'leadStoreApiTest' }],
		properties: [...leadCreated.settings, ...audienceFilterProperties, leadCreated.options],
	};

	methods = {
		credentialTest: { leadStoreApiTest },
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		return leadCreated.start(this);
	}
}
