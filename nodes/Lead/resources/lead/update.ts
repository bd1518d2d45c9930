import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps, WriteContext } from '../../../../core';
import { leadLocator } from '../../../shared/descriptions';
import { collectionValue, entriesOf } from '../../../shared/options';
import { toJson } from '../../../shared/output';
import { locatorValue } from '../../../shared/parameters';
import { leadFieldOptions } from './fields';
import { leadFieldsFromValues } from './leadFieldsFrom';

const show = { resource: ['lead'], operation: ['update'] };

export const description: INodeProperties[] = [
	leadLocator({ displayOptions: { show } }),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: leadFieldOptions,
	},
	{
		displayName: 'Overwrite Existing Values',
		name: 'overwrite',
		type: 'boolean',
		default: true,
		displayOptions: { show },
		description: 'Whether to replace values the lead has already. Off: only empty fields are filled (custom fields key by key), and the stage is left as it is.',
	},
];

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number, context: WriteContext) {
	const overwrite = fn.getNodeParameter('overwrite', i, true) as boolean;
	const { lead, changed } = await ops.updateLead(locatorValue(fn, 'lead', i), leadFieldsFromValues(collectionValue(fn, 'updateFields', i, entriesOf(description, 'updateFields'))), { overwrite }, context);
	return { ...toJson(lead), changedFields: changed };
}
