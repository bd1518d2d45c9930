/** Stage operations: the pipeline's stages, created, renamed, re-kinded and reordered. */
import { resource } from '../operation';
import * as create from './create';
import * as getMany from './getMany';
import * as reorder from './reorder';
import * as update from './update';

export const { operations, operationOptions, description } = resource(
	'stage',
	{ create, getMany, reorder, update },
	{
		create: { name: 'Create', action: 'Create a stage' },
		getMany: { name: 'Get Many', action: 'Get many stages' },
		reorder: { name: 'Reorder', action: 'Reorder stages' },
		update: { name: 'Update', action: 'Update a stage' },
	},
	'getMany',
);
