/** The "stale lead" trigger event: inactive period, watched stages, check interval, and how it starts. */
import type { INodeProperties, ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';
import { STALE_MODES, type StaleCriteriaInput } from '../../../core';
import { readAudienceFilter } from '../audienceFilterParameters';
import { optionsFrom, settingOption } from '../options';
import { activationError, numberSetting, runStaleTrigger } from '../trigger';

export const inactivePeriodOptions = optionsFrom(STALE_MODES, {
	gte: { name: 'Greater Than or Equals', description: 'Inactive for at least this many days (fires once on reaching it)' },
	equals: { name: 'Equals', description: 'Inactive for exactly this many days (fires once during that day)' },
	between: { name: 'Between', description: 'Inactive for a number of days within a range (fires once on entering it)' },
});

export const settings: INodeProperties[] = [
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
];

/** The Stale Lead trigger's Options collection. */
export const options: INodeProperties = {
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
};

export async function start(fn: ITriggerFunctions): Promise<ITriggerResponse> {
	let criteria: StaleCriteriaInput;
	let checkIntervalMs: number;
	try {
		const mode = settingOption(fn, 'inactivePeriod', inactivePeriodOptions, 'gte');
		const chosen = fn.getNodeParameter('options', {}) as { onlyBecomingStaleAfterActivation?: boolean };
		criteria = {
			mode,
			minDays: fn.getNodeParameter('minDays', 0) as number,
			maxDays: mode === 'between' ? (fn.getNodeParameter('maxDays', 0) as number) : null,
			stages: fn.getNodeParameter('stages', []) as string[] | string,
			filter: readAudienceFilter((name, fallback) => fn.getNodeParameter(name, fallback)),
			onlyBecomingStaleAfterActivation: chosen.onlyBecomingStaleAfterActivation === true,
		};
		// The editor keeps this at 1 minute or more; an expression may go lower (the core's floor is 100 ms).
		checkIntervalMs = numberSetting(fn.getNode(), fn.getNodeParameter('checkEveryMinutes', 60), 'Check Every (Minutes)', 0, true) * 60_000;
	} catch (error) {
		throw activationError(fn.getNode(), error);
	}
	return runStaleTrigger(fn, criteria, { checkIntervalMs });
}
