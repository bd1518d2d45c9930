/** Parameter descriptions several of our nodes share. */
import type { INodeProperties } from 'n8n-workflow';
import { PRIORITIES } from '../../core';
import { optionsFrom } from './options';

/** The lead to act on. Its default takes the lead from a lead trigger's (or Lead node's) output. */
export const leadLocator = (overrides: Partial<INodeProperties> = {}): INodeProperties => ({
	displayName: 'Lead',
	name: 'lead',
	type: 'resourceLocator',
	default: { mode: 'id', value: '={{ $json.lead ? $json.lead.id : $json.id }}' },
	required: true,
	description: 'The lead to act on. By default, the lead of the incoming item.',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchLeads', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 42',
			validation: [{ type: 'regex', properties: { regex: '^\\s*\\d+\\s*$', errorMessage: 'A lead ID is a whole number' } }],
		},
	],
	...overrides,
});

export const stageLocator = (overrides: Partial<INodeProperties> = {}): INodeProperties => ({
	displayName: 'Stage',
	name: 'stage',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	modes: [
		{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchStages', searchable: true } },
		{ displayName: 'By Name', name: 'name', type: 'string', placeholder: 'e.g. Qualified' },
		{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'e.g. 3' },
	],
	...overrides,
});

export const memberLocator = (overrides: Partial<INodeProperties> = {}): INodeProperties => ({
	displayName: 'Team Member',
	name: 'member',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	modes: [
		{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchMembers', searchable: true } },
		{ displayName: 'By Email', name: 'email', type: 'string', placeholder: 'e.g. ana@example.com' },
		{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'e.g. 7' },
	],
	...overrides,
});

/** The event triggers' catch-up window, an entry of their Options collection. */
/** Lead and task priorities, as the store knows them. */
export const priorityOptions = optionsFrom(PRIORITIES, { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' });

export const catchUpWindowOption: INodeProperties = {
	displayName: 'Catch-Up Window (Hours)',
	name: 'catchUpWindowHours',
	type: 'number',
	default: 24,
	typeOptions: { minValue: 0 },
	description:
		'After an n8n restart or a save of the published workflow, events up to this many hours old are still delivered; older ones are skipped. Publishing never replays history.',
};

/** The Options collection of the two event triggers. */
export const eventTriggerOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [catchUpWindowOption],
};
