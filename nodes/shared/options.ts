/**
 * Options parameters: their lists built from the core's enums, and their values read back
 * against the very lists the descriptions declare. n8n does not check an options value when a
 * node runs (an expression, an imported workflow or the API can hold anything), so without this
 * an unknown value falls through to whichever branch a node treats as "else".
 */
import type { IDataObject, IExecuteFunctions, INodeProperties, INodePropertyOptions, ITriggerFunctions } from 'n8n-workflow';
import { describe, invalid } from '../../core';

/** One entry of an options list, its value typed by the enum it comes from. */
export interface Option<T extends string = string> extends INodePropertyOptions {
	value: T;
}

export type OptionLabel = string | { name: string; description?: string; action?: string };

/** n8n's lint (node-param-options-type-unsorted-items) wants lists of this many or more sorted by name. */
const SORT_FROM = 5;

/**
 * An options list from an enum and a label per value. The labels are a Record over the enum's
 * type, so a value without a label, or a label without a value, does not compile. Lists of five
 * or more are sorted by name as n8n's lint requires; shorter ones keep the enum's order
 * (Low, Normal, High, Urgent).
 */
export function optionsFrom<T extends string>(values: readonly T[], labels: Record<T, OptionLabel>): Array<Option<T>> {
	const list = values.map((value): Option<T> => {
		const label = labels[value];
		return typeof label === 'string' ? { name: label, value } : { ...label, value };
	});
	return list.length >= SORT_FROM ? list.sort((a, b) => a.name.localeCompare(b.name)) : list;
}

/**
 * The value if the list has it; otherwise an `invalid` error for `field` (by default `name`),
 * worded as the core words its own (`assignTo must be one of member, none, owner; got
 * "nobody"`), which the action nodes report as `Item 0, field "assignTo": ...` (an error item
 * with `field` under continue-on-fail). `where` prefixes the message when the name alone does
 * not say where the value sits (a condition of the audience filter).
 */
export function checkOption<T extends string>(name: string, value: unknown, options: ReadonlyArray<Pick<Option<T>, 'value'>>, where?: string, field = name): T {
	if (options.some((o) => o.value === value)) return value as T;
	const allowed = options.map((o) => o.value).join(', ');
	throw invalid(field, `${where ? `${where}: ` : ''}${name} must be one of ${allowed}; got ${describe(value)}`);
}

/** An action node's options parameter for item `i`, refused unless its list has it. */
export function optionValue<T extends string>(fn: IExecuteFunctions, name: string, i: number, options: ReadonlyArray<Option<T>>, fallback?: T): T {
	return checkOption(name, fn.getNodeParameter(name, i, fallback), options);
}

/** A trigger's options setting: an unknown value fails activation, the message naming the setting. */
export function settingOption<T extends string>(fn: ITriggerFunctions, name: string, options: ReadonlyArray<Option<T>>, fallback?: T): T {
	return checkOption(name, fn.getNodeParameter(name, fallback), options);
}

const staticOptions = (p: INodeProperties): Option[] | undefined =>
	(p.type === 'options' || p.type === 'multiOptions') && Array.isArray(p.options) && !p.typeOptions?.loadOptionsMethod
		? (p.options as Option[])
		: undefined;

/**
 * Checks the options entries of a collection's value against `entries`, the collection's own
 * `options` in its description (entries the user did not add are absent and not checked).
 */
export function checkCollection(value: IDataObject, entries: readonly INodeProperties[]): IDataObject {
	for (const entry of entries) {
		const options = staticOptions(entry);
		if (!options || !(entry.name in value) || value[entry.name] === undefined) continue;
		const given = value[entry.name];
		if (entry.type === 'multiOptions') {
			for (const one of Array.isArray(given) ? given : [given]) checkOption(entry.name, one, options);
		} else {
			checkOption(entry.name, given, options);
		}
	}
	return value;
}

/** An action node's collection parameter for item `i`, its options entries checked. */
export function collectionValue(fn: IExecuteFunctions, name: string, i: number, entries: readonly INodeProperties[]): IDataObject {
	return checkCollection((fn.getNodeParameter(name, i, {}) ?? {}) as IDataObject, entries);
}

/** The entries of the collection `name` as `properties` declares it. */
export function entriesOf(properties: readonly INodeProperties[], name: string): INodeProperties[] {
	const collection = properties.find((p) => p.name === name && (p.type === 'collection' || p.type === 'fixedCollection'));
	if (!collection) throw new Error(`no collection parameter "${name}" in this description`);
	return (collection.options ?? []) as INodeProperties[];
}
