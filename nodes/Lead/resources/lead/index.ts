/** Lead operations: one module per operation, each with its parameters and its handler. */
import { resource } from '../operation';
import * as create from './create';
import * as del from './delete';
import * as get from './get';
import * as getAssignments from './getAssignments';
import * as getMany from './getMany';
import * as getNotes from './getNotes';
import * as getTasks from './getTasks';
import * as logActivity from './logActivity';
import * as update from './update';

export const { operations, operationOptions, description } = resource(
	'lead',
	{ create, get, getMany, getAssignments, getNotes, getTasks, update, delete: del, logActivity },
	{
		create: { name: 'Create', action: 'Create a lead' },
		delete: { name: 'Delete', action: 'Delete a lead' },
		get: { name: 'Get', action: 'Get a lead' },
		getAssignments: { name: 'Get Assignment History', action: 'Get the assignment history of a lead' },
		getMany: { name: 'Get Many', action: 'Get many leads' },
		getNotes: { name: 'Get Notes', action: 'Get the notes of a lead' },
		getTasks: { name: 'Get Tasks', action: 'Get the tasks of a lead' },
		logActivity: { name: 'Log Activity', action: 'Log an activity on a lead' },
		update: { name: 'Update', action: 'Update a lead' },
	},
	'create',
);
