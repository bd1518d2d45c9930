/**
 * JSON schemas of node outputs, derived from real output items, in the shape n8n's editor reads
 * for its schema preview (`{ type, properties }`, arrays with `items`), as n8n-nodes-base ships
 * them in `__schema__/v<version>/<resource>/<operation>.json`. Several samples merge: a field null
 * in one and set in another takes the set type; a field only ever null stays `null`.
 */
export interface JsonSchema {
	type: string;
	properties?: Record<string, JsonSchema>;
	items?: JsonSchema;
}

export function schemaOf(value: unknown): JsonSchema {
	if (value === null || value === undefined) return { type: 'null' };
	if (Array.isArray(value)) return { type: 'array', items: value.map(schemaOf).reduce(mergeSchemas, undefined as unknown as JsonSchema) ?? {} as JsonSchema };
	if (typeof value === 'object') {
		const properties: Record<string, JsonSchema> = {};
		for (const key of Object.keys(value).sort()) properties[key] = schemaOf((value as Record<string, unknown>)[key]);
		return { type: 'object', properties };
	}
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return { type: typeof value };
	return { type: 'string' };
}

export function mergeSchemas(a: JsonSchema | undefined, b: JsonSchema): JsonSchema {
	if (!a || a.type === 'null') return b;
	if (b.type === 'null' || a.type !== b.type) return a;
	if (a.type === 'object') {
		const properties: Record<string, JsonSchema> = {};
		const keys = [...new Set([...Object.keys(a.properties ?? {}), ...Object.keys(b.properties ?? {})])].sort();
		for (const key of keys) properties[key] = mergeSchemas(a.properties?.[key], b.properties?.[key] ?? { type: 'null' });
		return { type: 'object', properties };
	}
	if (a.type === 'array') {
		const items = a.items?.type ? (b.items?.type ? mergeSchemas(a.items, b.items) : a.items) : b.items;
		return items?.type ? { type: 'array', items } : { type: 'array' };
	}
	return a;
}

/** One schema for all output items of one operation. */
export function schemaOfItems(items: Array<Record<string, unknown>>): JsonSchema {
	if (!items.length) throw new Error('no output items to derive a schema from');
	return items.map(schemaOf).reduce((merged, schema) => mergeSchemas(merged, schema), undefined as unknown as JsonSchema);
}
