import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';
import type { EventCriteriaInput } from '../../core';
import { audienceFilterProperties } from '../shared/audienceFilterDescription';
import { readAudienceFilter } from '../shared/audienceFilterParameters';
import { leadStoreApiTest } from '../shared/credentialTest';
import { eventTriggerOptions } from '../shared/descriptions';
import { activationError, numberSetting, runEventTrigger } from '../shared/trigger';
import { param } from '../shared/subtitles';

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
		properties: [
			...audienceFilterProperties,
			eventTriggerOptions,
		],
	};

	methods = {
		credentialTest: { leadStoreApiTest },
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		let criteria: EventCriteriaInput;
		let catchUpWindowMs: number;
		try {
			criteria = { kind: 'lead.created', filter: readAudienceFilter((name, fallback) => this.getNodeParameter(name, fallback)) };
			const options = this.getNodeParameter('options', {}) as { catchUpWindowHours?: unknown };
			catchUpWindowMs = numberSetting(this.getNode(), options.catchUpWindowHours ?? 24, 'Catch-Up Window (Hours)', 0) * 3_600_000;
		} catch (error) {
			throw activationError(this.getNode(), error);
		}
		return runEventTrigger(this, criteria, { catchUpWindowMs, what: 'new leads' });
	}
}
