/** Opportunity status operations: the configurable status list, created, renamed, re-kinded and reordered. */
import { resource } from '../operation';
import * as create from './create';
import * as getMany from './getMany';
import * as reorder from './reorder';
import * as update from './update';

export const { operations, operationOptions, description } = resource(
	'opportunityStatus',
	{ create, getMany, reorder, update },
	{
		create: { name: 'Create', action: 'Create an opportunity status' },
		getMany: { name: 'Get Many', action: 'Get many opportunity statuses' },
		reorder: { name: 'Reorder', action: 'Reorder opportunity statuses' },
		update: { name: 'Update', action: 'Update an opportunity status' },
	},
	'getMany',
);
