/**
 * The Lead node's router, in the shape of Airtable v2's actions/router.ts: resource → operation
 * → handler, one table. The Resource and Operation parameters are read through the options
 * helper against lists derived from this table, so an unknown pair is one clear error naming
 * the field (`Item 0, field "operation": "archive" is not one of create, getMany, reorder,
 * update`), never a crash or a silent "get many".
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import type { ItemHandler } from '../shared/runItems';
import { optionsFrom, optionValue } from '../shared/options';
import * as lead from './resources/lead';
import * as member from './resources/member';
import * as opportunity from './resources/opportunity';
import * as opportunityStatus from './resources/opportunityStatus';
import type { Operation, Resource } from './resources/operation';
import * as stage from './resources/stage';
import * as task from './resources/task';

// In the order the Resource list shows them (five or more options are sorted by name).
export const resources = { lead, opportunity, opportunityStatus, stage, task, member } satisfies Record<string, Resource>;
export type ResourceName = keyof typeof resources;

export const resourceOptions = optionsFrom(Object.keys(resources) as ResourceName[], {
	lead: 'Lead',
	stage: 'Stage',
	member: 'Team Member',
	opportunity: 'Opportunity',
	opportunityStatus: 'Opportunity Status',
	task: 'Task',
});

/** The operation item `i` asks for; an unknown resource or operation is an error naming that field. */
export function operationFor(fn: IExecuteFunctions, i: number): Operation {
	const { operations, operationOptions } = resources[optionValue(fn, 'resource', i, resourceOptions)] as Resource;
	return operations[optionValue(fn, 'operation', i, operationOptions)];
}

/** runItems' handler for the Lead node: each item goes to its own operation. */
export const router =
	(fn: IExecuteFunctions): ItemHandler =>
	(ops, i, context) =>
		operationFor(fn, i).execute(fn, ops, i, context);

/**
 * Whether this run only reads. Resource and operation take no expressions, so item 0 speaks for
 * every item; an unknown pair is left to the router's own error.
 */
export function accessOf(fn: IExecuteFunctions): 'read' | 'write' {
	try {
		return fn.getInputData().length > 0 ? (operationFor(fn, 0).access ?? 'write') : 'write';
	} catch {
		return 'write';
	}
}
