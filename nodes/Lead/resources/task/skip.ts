import { closeOperation } from './close';

/** Skips the task; a run waiting for it goes on with outcome "skipped". */
export const { description, execute } = closeOperation('skip', 'skipped', 'Skipped By');
