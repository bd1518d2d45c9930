/** Opportunity operations of the Lead node: get, get many (filters, paging), delete. */
import { resource } from '../operation';
import * as del from './delete';
import * as get from './get';
import * as getMany from './getMany';

export const { operations, operationOptions, description } = resource(
	'opportunity',
	{ get, getMany, delete: del },
	{
		delete: { name: 'Delete', action: 'Delete an opportunity' },
		get: { name: 'Get', action: 'Get an opportunity' },
		getMany: { name: 'Get Many', action: 'Get many opportunities' },
	},
	'getMany',
);
