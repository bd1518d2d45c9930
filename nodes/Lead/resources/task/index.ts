/** Task operations of the Lead node: complete, cancel, skip (each wakes a run waiting for the task), get, get many. */
import { resource } from '../operation';
import * as cancel from './cancel';
import * as complete from './complete';
import * as get from './get';
import * as getMany from './getMany';
import * as skip from './skip';

export const { operations, operationOptions, description } = resource(
	'task',
	{ complete, cancel, skip, get, getMany },
	{
		cancel: { name: 'Cancel', action: 'Cancel a task' },
		complete: { name: 'Complete', action: 'Complete a task' },
		get: { name: 'Get', action: 'Get a task' },
		getMany: { name: 'Get Many', action: 'Get many tasks' },
		skip: { name: 'Skip', action: 'Skip a task' },
	},
	'complete',
);
