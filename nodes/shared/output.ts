/** Model → item JSON: times become ISO strings, which n8n's date tools and people read. */
import type { IDataObject } from 'n8n-workflow';

const TIME_KEYS = new Set(['createdAt', 'updatedAt', 'lastActivityAt', 'dueAt', 'completedAt', 'at', 'occurredAt', 'firedAt', 'changedAt', 'staleSince', 'checkedAt']);
/** User data: copied as stored. A custom field named "dueAt" holding 5 stays 5. */
const OPAQUE_KEYS = new Set(['custom']);

export function toJson(value: unknown): IDataObject {
	return convert(value) as IDataObject;
}

function convert(value: unknown, key?: string): unknown {
	if (key && OPAQUE_KEYS.has(key)) return value;
	if (Array.isArray(value)) return value.map((v) => convert(v));
	if (value && typeof value === 'object') {
		const out: IDataObject = {};
		for (const [k, v] of Object.entries(value)) out[k] = convert(v, k) as IDataObject[string];
		return out;
	}
	if (key && TIME_KEYS.has(key) && typeof value === 'number') return new Date(value).toISOString();
	return value;
}
