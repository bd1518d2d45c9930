/**
 * The Opportunity Trigger's events, one table as nodes/shared/leadEvents/ has for the lead
 * triggers: each event's label, its settings, and how it starts. All start through the same
 * durable delivery (runEventTrigger), with the opportunity conditions and the lead audience filter.
 */
import type { IDataObject, INodeProperties, ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';
import type { OpportunityCriteriaInput, OpportunityEventKind } from '../../core';
import { readAudienceFilter } from '../shared/audienceFilterParameters';
import { catchUpWindowMs } from '../shared/leadEvents/catchUp';
import { optionsFrom, settingOption } from '../shared/options';
import { activationError, runEventTrigger } from '../shared/trigger';

export const OPPORTUNITY_TRIGGER_EVENTS = {
	opportunityCreated: {
		kind: 'opportunity.created',
		what: 'new opportunities',
		settings: [] as INodeProperties[],
	},
	opportunityStatusChanged: {
		kind: 'opportunity.status_changed',
		what: 'opportunity status changes',
		settings: [
			{
				displayName: 'To Status Names or IDs',
				name: 'toStatuses',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getOpportunityStatusesOrAny' },
				default: ['any'],
				required: true,
				description:
					'The statuses an opportunity moves to that start the workflow, or Any Status. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'From Status Names or IDs',
				name: 'fromStatuses',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getOpportunityStatuses' },
				default: [],
				description:
					'Only moves out of these statuses; leave empty for any. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
		] as INodeProperties[],
	},
	opportunityUpdated: {
		kind: 'opportunity.updated',
		what: 'opportunity updates',
		settings: [] as INodeProperties[],
	},
} satisfies Record<string, { kind: OpportunityEventKind; what: string; settings: INodeProperties[] }>;
export type OpportunityTriggerEventName = keyof typeof OPPORTUNITY_TRIGGER_EVENTS;

export const opportunityEventOptions = optionsFrom(Object.keys(OPPORTUNITY_TRIGGER_EVENTS) as OpportunityTriggerEventName[], {
	opportunityCreated: { name: 'Opportunity Created', description: 'A new opportunity on a lead' },
	opportunityStatusChanged: { name: 'Opportunity Status Changed', description: 'An opportunity moves to one of the chosen statuses' },
	opportunityUpdated: { name: 'Opportunity Updated', description: 'Any change to an opportunity (status changes included)' },
});

/** Conditions on the opportunity as it is at delivery. */
export const opportunityFilters: INodeProperties = {
	displayName: 'Opportunity Filters',
	name: 'opportunityFilters',
	type: 'collection',
	placeholder: 'Add Filter',
	default: {},
	options: [
		{ displayName: 'Maximum Value', name: 'maxAmount', type: 'number', default: 0, description: "At most this amount, in the opportunity's own currency" },
		{ displayName: 'Minimum Value', name: 'minAmount', type: 'number', default: 0, description: "At least this amount, in the opportunity's own currency (opportunities without a value never match a range)" },
		{ displayName: 'Owner', name: 'owner', type: 'string', default: '', placeholder: 'Member ID or email; "none" for no owner' },
		{
			displayName: 'Status Names or IDs',
			name: 'statuses',
			type: 'multiOptions',
			typeOptions: { loadOptionsMethod: 'getOpportunityStatuses' },
			default: [],
			description:
				'The opportunity is in one of these statuses now. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
	],
};

export async function startOpportunityTrigger(fn: ITriggerFunctions): Promise<ITriggerResponse> {
	let criteria, windowMs, what;
	try {
		const name = settingOption(fn, 'event', opportunityEventOptions);
		const event = OPPORTUNITY_TRIGGER_EVENTS[name];
		const filters = fn.getNodeParameter('opportunityFilters', {}) as IDataObject;
		const input: OpportunityCriteriaInput = {
			kind: event.kind,
			statuses: filters.statuses as string[] | undefined,
			minAmount: filters.minAmount,
			maxAmount: filters.maxAmount,
			owner: filters.owner as string | undefined,
		};
		if (event.kind === 'opportunity.status_changed') {
			input.toStatuses = fn.getNodeParameter('toStatuses', ['any']) as string[] | string;
			input.fromStatuses = fn.getNodeParameter('fromStatuses', []) as string[] | string;
		}
		criteria = { ...input, filter: readAudienceFilter((param, fallback) => fn.getNodeParameter(param, fallback)) };
		windowMs = catchUpWindowMs(fn);
		what = event.what;
	} catch (error) {
		throw activationError(fn.getNode(), error);
	}
	return runEventTrigger(fn, criteria, { catchUpWindowMs: windowMs, what });
}
