import type { IDataObject } from 'n8n-workflow';
import { WRITABLE_LEAD_FIELDS, type LeadFields } from '../../../../core';
import { customFieldsParameter } from '../../../shared/parameters';

/**
 * Lead fields from a collection's values (read through collectionValue, which checks its
 * options entries): only what the user added is set. Create adds its contact fields to them.
 */
export function leadFieldsFromValues(raw: IDataObject): LeadFields {
	const fields: Record<string, unknown> = {};
	for (const f of WRITABLE_LEAD_FIELDS) {
		if (!(f.name in raw)) continue;
		const value = raw[f.name];
		if (f.kind === 'stage') fields[f.name] = locator(value);
		else if (f.kind === 'member') fields[f.name] = locator(value) || null;
		else if (f.kind === 'custom') fields[f.name] = customFieldsParameter(value);
		else fields[f.name] = value;
	}
	return fields as LeadFields;
}

/** A resource locator inside a collection arrives as {mode, value}; take the value. */
const locator = (value: unknown): string =>
	String(value && typeof value === 'object' ? ((value as IDataObject).value ?? '') : (value ?? '')).trim();
