import type { INodeProperties } from 'n8n-workflow';
import * as create from './create';
import * as del from './delete';
import * as get from './get';
import * as getAssignments from './getAssignments';
import * as getMany from './getMany';
import * as getNotes from './getNotes';
import * as getTasks from './getTasks';
import * as logActivity from './logActivity';
import * as update from './update';

export const operations = { create, delete: del, get, getAssignments, getMany, getNotes, getTasks, update, logActivity };

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
			{ name: 'Get Assignment History', value: 'getAssignments', action: 'Get the assignment history of a lead' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many leads' },
			{ name: 'Get Notes', value: 'getNotes', action: 'Get the notes of a lead' },
			{ name: 'Get Tasks', value: 'getTasks', action: 'Get the tasks of a lead' },
			{ name: 'Log Activity', value: 'logActivity', action: 'Log an activity on a lead' },
			{ name: 'Update', value: 'update', action: 'Update a lead' },
		],
		default: 'create',
	},
	...create.description,
	...get.description,
	...getMany.description,
	...getAssignments.description,
	...getNotes.description,
	...getTasks.description,
	...update.description,
	...del.description,
	...logActivity.description,
];
