import { closeOperation } from './close';

/** Cancels the task; a run waiting for it goes on with outcome "canceled". */
export const { description, execute } = closeOperation('cancel', 'canceled', 'Canceled By');
