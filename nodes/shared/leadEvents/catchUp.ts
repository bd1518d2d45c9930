/** The event triggers' Options → the catch-up window in milliseconds. */
import type { ITriggerFunctions } from 'n8n-workflow';
import { numberSetting } from '../trigger';

export function catchUpWindowMs(fn: ITriggerFunctions): number {
	const options = fn.getNodeParameter('options', {}) as { catchUpWindowHours?: unknown };
	return numberSetting(fn.getNode(), options.catchUpWindowHours ?? 24, 'Catch-Up Window (Hours)', 0) * 3_600_000;
}
