import type { INodeProperties } from 'n8n-workflow';
import * as create from './create';
import * as del from './delete';
import * as get from './get';
import * as getMany from './getMany';
import * as logActivity from './logActivity';
import * as update from './update';

export const operations = { create, delete: del, get, getMany, update, logActivity };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['lead'] } },
		options: [
			{ name: 'Create', value: 'create', action: 'Create a lead' },
			{ name: 'Delete', value: 'delete', action: 'Delete a lead' },
			{ name: 'Get', value: 'get', action: 'Get a lead' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many leads' },
			{ name: 'Log Activity', value: 'logActivity', action: 'Log an activity on a lead' },
			{ name: 'Update', value: 'update', action: 'Update a lead' },
		],
		default: 'create',
	},
	...create.description,
	...get.description,
	...getMany.description,
	...update.description,
	...del.description,
	...logActivity.description,
];
