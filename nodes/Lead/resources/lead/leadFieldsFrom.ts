import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { LeadFields } from '../../../../core';
import { customFieldsParameter } from '../../../shared/parameters';

/** Lead fields from a collection parameter: only what the user added is set. */
export function leadFieldsFrom(fn: IExecuteFunctions, i: number, collection: string): LeadFields {
	const raw = fn.getNodeParameter(collection, i, {}) as IDataObject;
	const fields: LeadFields = {};
	for (const key of ['name', 'email', 'phone', 'source', 'type', 'priority', 'gender'] as const) {
		if (key in raw) fields[key] = raw[key] as string;
	}
	if ('stage' in raw) fields.stage = locator(raw.stage);
	if ('owner' in raw) fields.owner = locator(raw.owner) || null;
	if ('custom' in raw) fields.custom = customFieldsParameter(raw.custom) as LeadFields['custom'];
	return fields;
}

/** A resource locator inside a collection arrives as {mode, value}; take the value. */
const locator = (value: unknown): string =>
	String(value && typeof value === 'object' ? ((value as IDataObject).value ?? '') : (value ?? '')).trim();
