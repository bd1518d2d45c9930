/**
 * Pieces of canvas subtitles. The editor evaluates a subtitle on its own, with no input data:
 * `$parameter` gives an option's value (not its label), a resource locator's bare value (not the
 * name picked from the list), and throws on a parameter set by an expression. These read the
 * parameters as saved (`$parameter.toJSON()`) and the labels from the node's own option lists.
 * Each returns JavaScript for use inside `{{ }}`; none yields "undefined" or throws.
 */
import type { INodeProperties, INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';

const js = (value: unknown) => JSON.stringify(value);

/** A parameter as saved: an expression stays its text ("={{ ... }}"), a locator its object. */
export const param = (name: string) => `$parameter.toJSON()[${js(name)}]`;

/** The label of the chosen option of `name`; `fallback` when an expression chooses. */
export function optionLabel(name: string, options: INodePropertyOptions[], fallback: string): string {
	const labels = Object.fromEntries(options.map((option) => [String(option.value), option.name]));
	return `(Object.entries(${js(labels)}).find((label) => label[0] === ${param(name)}) || [0, ${js(fallback)}])[1]`;
}

/** A number parameter, or `fallback` when an expression gives it. */
export const numberOr = (name: string, fallback: string) => `((v) => typeof v === "number" ? String(v) : ${js(fallback)})(${param(name)})`;

/** A text parameter trimmed, after `prefix`; `whenEmpty` alone when empty, `whenExpression` when an expression gives it. */
export const textOr = (name: string, whenEmpty: string, whenExpression: string, prefix = '') =>
	`((v) => typeof v !== "string" || v.trim() === "" ? ${js(whenEmpty)} : ${js(prefix)} + (v.startsWith("=") ? ${js(whenExpression)} : v.trim()))(${param(name)})`;

/**
 * A resource locator as the user sees it: the name picked from the list (saved by the editor as
 * `cachedResultName`), the name or email typed in, "<noun> 3" by id, "a <noun>" while empty,
 * "the <noun> from an expression".
 */
export function locatorLabel(name: string, noun: string): string {
	return `((rl) => {
		const v = rl !== null && typeof rl === "object" ? rl : { value: rl };
		const value = v.value === undefined || v.value === null ? "" : String(v.value).trim();
		if (value === "") return "a ${noun}";
		if (value.startsWith("=")) return "the ${noun} from an expression";
		if (v.cachedResultName) return String(v.cachedResultName);
		return v.mode === "name" || v.mode === "email" ? value : "${noun} " + value;
	})(${param(name)})`;
}

/**
 * A resource-and-operation node's subtitle from its own Resource and Operation lists: "Get Many:
 * Team Member" where n8n's usual `$parameter["operation"] + ": " + $parameter["resource"]`
 * shows "getMany: member".
 */
export function withOperationSubtitle(description: INodeTypeDescription): INodeTypeDescription {
	return { ...description, subtitle: operationSubtitle(description.properties, description.displayName) };
}

/** The same subtitle as text, for a description written as an object literal (which n8n's lint rules read). */
export function operationSubtitle(properties: INodeProperties[], fallback: string): string {
	const resources = (properties.find((p) => p.name === 'resource')?.options ?? []) as INodePropertyOptions[];
	const labels: Record<string, string> = {};
	for (const property of properties.filter((p) => p.name === 'operation')) {
		for (const resource of (property.displayOptions?.show?.resource ?? []) as string[]) {
			const resourceName = resources.find((r) => r.value === resource)?.name ?? resource;
			for (const operation of (property.options ?? []) as INodePropertyOptions[]) {
				labels[`${resource}:${String(operation.value)}`] = `${operation.name}: ${resourceName}`;
			}
		}
	}
	const chosen = `${param('resource')} + ":" + ${param('operation')}`;
	return `={{ (Object.entries(${js(labels)}).find((label) => label[0] === ${chosen}) || [0, ${js(fallback)}])[1] }}`;
}
