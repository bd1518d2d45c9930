import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';
import { STALE_MODES, type StaleCriteriaInput } from '../../core';
import { audienceFilterProperties } from '../shared/audienceFilterDescription';
import { readAudienceFilter } from '../shared/audienceFilterParameters';
import { leadStoreApiTest } from '../shared/credentialTest';
import { optionsFrom, settingOption } from '../shared/options';
import { getOpenStages } from '../shared/stageOptions';
import { activationError, numberSetting, runStaleTrigger } from '../shared/trigger';
import { numberOr, param } from '../shared/subtitles';

const inactivePeriodOptions = optionsFrom(STALE_MODES, {
	gte: { name: 'Greater Than or Equals', description: 'Inactive for at least this many days (fires once on reaching it)' },
	equals: { name: 'Equals', description: 'Inactive for exactly this many days (fires once during that day)' },
	between: { name: 'Between', description: 'Inactive for a number of days within a range (fires once on entering it)' },
});

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
		properties: [
			{
				displayName: 'Inactive Period',
				name: 'inactivePeriod',
				type: 'options',
				options: inactivePeriodOptions,
				default: 'gte',
			},
			{
				displayName: 'Minimum Inactive Period (Days)',
				name: 'minDays',
				type: 'number',
				default: 3,
				required: true,
				typeOptions: { minValue: 1, numberPrecision: 0 },
				description: 'Whole days (24-hour periods) since the last activity. For Equals, the exact number of days.',
			},
			{
				displayName: 'Maximum Inactive Period (Days)',
				name: 'maxDays',
				type: 'number',
				default: 7,
				required: true,
				typeOptions: { minValue: 1, numberPrecision: 0 },
				description: 'The upper end of the range, at least the minimum',
				displayOptions: { show: { inactivePeriod: ['between'] } },
			},
			{
				displayName: 'Stage Names or IDs',
				name: 'stages',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getOpenStages' },
				default: [],
				required: true,
				description:
					'The stages to watch; at least one. Won and Lost stages cannot be watched. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Check Every (Minutes)',
				name: 'checkEveryMinutes',
				type: 'number',
				default: 60,
				typeOptions: { minValue: 1 },
				description: 'How often to look for stale leads. The first check runs when the workflow is published or n8n starts.',
			},
			...audienceFilterProperties,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Only Leads Becoming Stale After Publishing',
						name: 'onlyBecomingStaleAfterActivation',
						type: 'boolean',
						default: false,
						description:
							'Whether to skip leads that were stale already when the workflow was published. Off: publishing targets every lead that is stale now, once per inactivity period.',
					},
				],
			},
		],
	};

	methods = {
		loadOptions: { getOpenStages },
		credentialTest: { leadStoreApiTest },
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		let criteria: StaleCriteriaInput;
		let checkIntervalMs: number;
		try {
			const mode = settingOption(this, 'inactivePeriod', inactivePeriodOptions, 'gte');
			const options = this.getNodeParameter('options', {}) as { onlyBecomingStaleAfterActivation?: boolean };
			criteria = {
				mode,
				minDays: this.getNodeParameter('minDays', 0) as number,
				maxDays: mode === 'between' ? (this.getNodeParameter('maxDays', 0) as number) : null,
				stages: this.getNodeParameter('stages', []) as string[] | string,
				filter: readAudienceFilter((name, fallback) => this.getNodeParameter(name, fallback)),
				onlyBecomingStaleAfterActivation: options.onlyBecomingStaleAfterActivation === true,
			};
			// The editor keeps this at 1 minute or more; an expression may go lower (the core's floor is 100 ms).
			checkIntervalMs = numberSetting(this.getNode(), this.getNodeParameter('checkEveryMinutes', 60), 'Check Every (Minutes)', 0, true) * 60_000;
		} catch (error) {
			throw activationError(this.getNode(), error);
		}
		return runStaleTrigger(this, criteria, { checkIntervalMs });
	}
}
