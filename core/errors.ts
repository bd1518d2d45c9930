/**
 * Errors the core raises. Each names the field it is about so the n8n layer can say
 * "item 3, field email: ..." without parsing messages.
 */
export type LeadStoreErrorCode =
	| 'invalid' // the input is wrong: a bad value, an over-long field, an unknown option
	| 'not_found' // an id or name that the store does not have
	| 'conflict' // the input is well-formed but clashes with what is stored (duplicate name, loop)
	| 'unavailable'; // the store cannot be reached or opened

export class LeadStoreError extends Error {
	constructor(
		readonly code: LeadStoreErrorCode,
		message: string,
		readonly field?: string,
		readonly cause?: unknown,
	) {
		super(message);
		this.name = 'LeadStoreError';
	}
}

export const invalid = (field: string, message: string) =>
	new LeadStoreError('invalid', message, field);

export const notFound = (field: string, message: string) =>
	new LeadStoreError('not_found', message, field);

export const conflict = (field: string | undefined, message: string) =>
	new LeadStoreError('conflict', message, field);

export const unavailable = (message: string, cause?: unknown) =>
	new LeadStoreError('unavailable', message, undefined, cause);

export const isLeadStoreError = (error: unknown): error is LeadStoreError =>
	error instanceof LeadStoreError;
