import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { WHEN_ASSIGNED, type AssignOptions, type AssignResult, type PoolMemberInput } from '../../core';
import { leadLocator, memberLocator } from '../shared/descriptions';
import { toJson } from '../shared/output';
import { optionsFrom, optionValue } from '../shared/options';
import { locatorValue } from '../shared/parameters';
import { runItems } from '../shared/runItems';
import { actionMethods } from '../shared/nodeBase';
import { textOr } from '../shared/subtitles';

const modeIs = (...mode: string[]) => ({ show: { mode } });

const modeOptions = optionsFrom(['roundRobin', 'member', 'unassign'] as const, {
	roundRobin: { name: 'Round Robin', description: 'The next member of a named pool, in turn and by weight' },
	member: { name: 'Specific Member', description: 'Always the same team member' },
	unassign: { name: 'Unassign', description: 'Remove the owner' },
});

const whenAssignedOptions = optionsFrom(WHEN_ASSIGNED, {
	skip: { name: 'Skip', description: 'Assign only if the lead has no owner; the output says it was skipped and why' },
	overwrite: { name: 'Overwrite', description: 'Assign it anyway, replacing the owner' },
});

export class AssignLead implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Assign Lead',
		name: 'assignLead',
		icon: { light: 'file:../../icons/lead.svg', dark: 'file:../../icons/lead.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{ $parameter["mode"] === "roundRobin" ? "Round robin" + ${textOr('poolName', '', 'the pool from an expression', ': ')} : $parameter["mode"] === "unassign" ? "Unassign" : "To a specific member" }}`,
		description: 'Give a lead an owner: a specific team member, the next one of a round-robin pool, or nobody',
		defaults: { name: 'Assign Lead' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'leadStoreApi', required: true, testedBy: 'leadStoreApiTest' }],
		properties: [
			leadLocator(),
			{
				displayName: 'Mode',
				name: 'mode',
				type: 'options',
				noDataExpression: true,
				options: modeOptions,
				default: 'member',
			},
			memberLocator({ displayOptions: modeIs('member'), description: 'The team member who gets the lead (must be active)' }),
			{
				displayName: 'Pool Name',
				name: 'poolName',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. Inbound sales',
				displayOptions: modeIs('roundRobin'),
				description:
					'Pools are shared by name: every workflow that names this pool takes turns from one rotation, stored in the lead store',
			},
			{
				displayName: 'Pool Members',
				name: 'poolMembers',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Member',
				default: {},
				displayOptions: modeIs('roundRobin'),
				description:
					'Who takes turns, and how many turns each gets per cycle. Saved as the pool on every run: members left out keep their place but take no turns. Leave empty to use the pool as another workflow defined it.',
				options: [
					{
						displayName: 'Member',
						name: 'members',
						values: [
							memberLocator({ description: 'A team member, by list, email or ID' }),
							{
								displayName: 'Weight',
								name: 'weight',
								type: 'number',
								typeOptions: { minValue: 1, numberPrecision: 0 },
								default: 1,
								description: 'Turns per cycle: a member with weight 2 gets twice as many leads as one with weight 1',
							},
						],
					},
				],
			},
			{
				displayName: 'Reassign',
				name: 'reassign',
				type: 'boolean',
				default: false,
				displayOptions: modeIs('roundRobin'),
				description:
					'Whether to take a new turn for a lead this pool has assigned before. Off: it gets the same member again and no turn is used, so re-running a workflow changes nothing.',
			},
			{
				displayName: 'If Already Assigned',
				name: 'whenAssigned',
				type: 'options',
				options: whenAssignedOptions,
				default: 'skip',
				displayOptions: modeIs('member', 'roundRobin'),
			},
		],
	};

	methods = actionMethods();

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return runItems(this, async (ops, i, context) => assignOutput(await ops.assignLead(locatorValue(this, 'lead', i), assignOptions(this, i), context)), {
			alone: async (store, context) => {
				const result = await store.assignAlone(locatorValue(this, 'lead', 0), assignOptions(this, 0), context);
				return result && assignOutput(result);
			},
		});
	}
}

function assignOutput(result: AssignResult): IDataObject {
	return {
		lead: toJson(result.lead),
		member: result.member && toJson(result.member),
		pool: result.pool,
		changed: result.changed,
		skipped: result.skipped === true,
		...(result.repeated !== undefined ? { repeated: result.repeated } : {}),
		...(result.reason ? { reason: result.reason } : {}),
	};
}

function assignOptions(fn: IExecuteFunctions, i: number): AssignOptions {
	const mode = optionValue(fn, 'mode', i, modeOptions);
	if (mode === 'unassign') return { mode: 'unassign' };
	const whenAssigned = optionValue(fn, 'whenAssigned', i, whenAssignedOptions, 'skip');
	if (mode === 'roundRobin') {
		return {
			mode: 'round_robin',
			pool: { name: fn.getNodeParameter('poolName', i, ''), members: poolMembers(fn, i) },
			reassign: fn.getNodeParameter('reassign', i, false) === true,
			whenAssigned,
		};
	}
	return { mode, member: locatorValue(fn, 'member', i), whenAssigned };
}

/** The pool's members as listed in the node; undefined (use the stored pool) when none are. */
function poolMembers(fn: IExecuteFunctions, i: number): PoolMemberInput[] | undefined {
	const raw = fn.getNodeParameter('poolMembers', i, {}) as { members?: IDataObject[] };
	const entries = raw?.members ?? [];
	if (entries.length === 0) return undefined;
	return entries.map((entry) => ({ member: unwrapLocator(entry.member), weight: entry.weight }));
}

/** A resource locator nested in a collection comes as { mode, value }; n8n extracts only top-level ones. */
function unwrapLocator(value: unknown): unknown {
	if (value && typeof value === 'object' && 'value' in value) value = (value as { value: unknown }).value;
	return typeof value === 'string' ? value.trim() : value;
}
