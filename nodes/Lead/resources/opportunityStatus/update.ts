import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps } from '../../../../core';
import { collectionValue, entriesOf } from '../../../shared/options';
import { statusKindOptions, statusLocator } from '../../../shared/opportunities/descriptions';
import { locatorValue } from '../../../shared/parameters';

const show = { resource: ['opportunityStatus'], operation: ['update'] };

export const description: INodeProperties[] = [
	statusLocator({ displayOptions: { show } }),
	{
		displayName: 'Update Fields',
		name: 'statusUpdateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			{ displayName: 'Kind', name: 'kind', type: 'options', options: statusKindOptions, default: 'active' },
			{ displayName: 'Name', name: 'name', type: 'string', default: '' },
		],
	},
];

export async function execute(fn: IExecuteFunctions, ops: LeadOps, i: number) {
	const fields = collectionValue(fn, 'statusUpdateFields', i, entriesOf(description, 'statusUpdateFields'));
	return { ...(await ops.updateOpportunityStatus(locatorValue(fn, 'status', i), fields)) };
}
