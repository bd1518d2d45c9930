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
import { getStages, getStagesOrAny } from '../shared/stageOptions';
import { activationError, numberSetting, runEventTrigger } from '../shared/trigger';
import { param } from '../shared/subtitles';

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
		properties: [
			{
				displayName: 'To Stage Names or IDs',
				name: 'toStages',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getStagesOrAny' },
				default: ['any'],
				required: true,
				description:
					'The stages a lead moves to that start the workflow, or Any Stage. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'From Stage Names or IDs',
				name: 'fromStages',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getStages' },
				default: [],
				description:
					'Only moves out of these stages; leave empty for any. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			...audienceFilterProperties,
			eventTriggerOptions,
		],
	};

	methods = {
		loadOptions: { getStages, getStagesOrAny },
		credentialTest: { leadStoreApiTest },
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		let criteria: EventCriteriaInput;
		let catchUpWindowMs: number;
		try {
			criteria = {
				kind: 'lead.stage_changed',
				toStages: this.getNodeParameter('toStages', []) as string[] | string,
				fromStages: this.getNodeParameter('fromStages', []) as string[] | string,
				filter: readAudienceFilter((name, fallback) => this.getNodeParameter(name, fallback)),
			};
			const options = this.getNodeParameter('options', {}) as { catchUpWindowHours?: unknown };
			catchUpWindowMs = numberSetting(this.getNode(), options.catchUpWindowHours ?? 24, 'Catch-Up Window (Hours)', 0) * 3_600_000;
		} catch (error) {
			throw activationError(this.getNode(), error);
		}
		return runEventTrigger(this, criteria, { catchUpWindowMs, what: 'stage changes' });
	}
}
