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
import { param } from '../shared/subtitles';

const leadStatusChanged = LEAD_TRIGGER_EVENTS.leadStatusChanged;
const { getStages, getStagesOrAny } = stageLoadOptions;

export class LeadStatusChangedTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Lead Status Changed Trigger',
		name: 'leadStatusChangedTrigger',
		icon: { light: 'file:../../icons/lead.svg', dark: 'file:../../icons/lead.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: `={{ ((to) => Array.isArray(to) && to.includes("any") ? "any stage change" : "moved to chosen stages")(${param('toStages')}) }}`,
		description: 'Starts the workflow once for each lead that moves to one of the chosen stages (or any), optionally from chosen stages',
		eventTriggerDescription: 'Waiting for a lead to change stage',
		activationMessage: 'Each matching stage change now starts this workflow.',
		defaults: { name: 'Lead Status Changed Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'leadStoreApi', required: true, testedBy: 'leadStoreApiTest' }],
		properties: [...leadStatusChanged.settings, ...audienceFilterProperties, leadStatusChanged.options],
	};

	methods = {
		loadOptions: { getStages, getStagesOrAny },
		credentialTest: { leadStoreApiTest },
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		return leadStatusChanged.start(this);
	}
}
