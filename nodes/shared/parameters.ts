/** Reading our nodes' parameters the same way everywhere. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/** A resource locator's value (the id, name or email the user picked or typed). */
export const locatorValue = (fn: IExecuteFunctions, name: string, i: number): string =>
	String(fn.getNodeParameter(name, i, '', { extractValue: true }) ?? '').trim();

/** Key/value pairs from a fixedCollection of custom fields, or a JSON object typed as text. */
export function customFieldsParameter(raw: unknown): IDataObject | string | undefined {
	if (raw === undefined || raw === null || raw === '') return undefined;
	if (typeof raw === 'string') return raw;
	const pairs = ((raw as IDataObject).field ?? []) as Array<{ name: string; value: unknown }>;
	if (!Array.isArray(pairs)) return raw as IDataObject;
	return Object.fromEntries(pairs.map((p) => [p.name, p.value])) as IDataObject;
}
