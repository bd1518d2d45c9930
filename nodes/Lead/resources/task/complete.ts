import { closeOperation } from './close';

/** Marks the task done (for every holder of a pool task) and wakes the run waiting for it. */
export const { description, execute } = closeOperation('complete', 'done', 'Completed By');
