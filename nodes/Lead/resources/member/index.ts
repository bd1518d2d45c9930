/** Team member operations: the people leads and tasks are assigned to. */
import { resource } from '../operation';
import * as create from './create';
import * as getMany from './getMany';
import * as update from './update';

export const { operations, operationOptions, description } = resource(
	'member',
	{ create, getMany, update },
	{
		create: { name: 'Create', action: 'Create a team member' },
		getMany: { name: 'Get Many', action: 'Get many team members' },
		update: { name: 'Update', action: 'Update a team member' },
	},
	'create',
);
