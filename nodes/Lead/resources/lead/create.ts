import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps, WriteContext } from '../../../../core';
import { collectionValue, entriesOf } from '../../../shared/options';
import { toJson } from '../../../shared/output';
import { leadFieldsFromValues } from './leadFieldsFrom';
import { contactFieldNames, createAdditionalFieldOptions, createContactProperties } from './fields';

const show = { resource: ['lead'], operation: ['create'] };

export const description: INodeProperties[] = [
	...createContactProperties({ show }),
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: createAdditionalFieldOptions,
	},
];

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number, context: WriteContext) {
	const values: IDataObject = { ...collectionValue(fn, 'additionalFields', i, entriesOf(description, 'additionalFields')) };
	for (const name of contactFieldNames) values[name] = fn.getNodeParameter(name, i, '');
	const fields = leadFieldsFromValues(values);
	return toJson(await ops.createLead(fields, context));
}
