/**
 * Every options parameter of every node refuses a value outside its list. The cases are
 * generated from the node descriptions: each node that package.json ships is loaded, its
 * properties are walked (collections and fixedCollections included) and each options or
 * multiOptions parameter with a list of its own gets a case that feeds it an unknown value
 * through the node's real execute() on a real store (or its trigger() for a trigger), with the
 * other parameters at their defaults and whatever its displayOptions need to show it. A new
 * options parameter gets its case without anyone writing one, and fails it unless it is read
 * through nodes/shared/options.ts: the expected message lists the very values its description
 * declares. Lists loaded from the store (stages) have no list of their own; the store refuses
 * an unknown stage (see triggers.test.ts and leadNode.test.ts).
 */
import * as path from 'node:path';
import { NodeOperationError, type IDataObject, type INodeProperties, type INodePropertyCollection, type INodeType } from 'n8n-workflow';
import { closeAllStores } from '../../nodes/shared/storeFromCredential';
import { actionNodeKit } from '../support/actionNodeKit';
import { forEachBackend } from '../support/backends';
import { credentialsFor, rl, type Param } from '../support/nodeHarness';
import { storeFingerprint } from '../support/storeAssertions';
import { startTrigger } from '../support/triggerHarness';

const UNKNOWN = 'zz-not-an-option';
const root = path.join(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const shipped: string[] = require(path.join(root, 'package.json')).n8n.nodes;

/** Each shipped node, loaded from its source (dist/nodes/X/X.node.js → nodes/X/X.node.ts). */
const nodes: INodeType[] = shipped.map((file) => {
	const source = path.join(root, file.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
	const className = path.basename(source, '.node.ts');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return new (require(source)[className])() as INodeType;
});

interface OptionsCase {
	node: INodeType;
	/** The top-level property the case sets, and the path inside it down to the options entry. */
	top: INodeProperties;
	steps: Array<{ option?: string; entry: INodeProperties }>;
	target: INodeProperties;
	allowed: string[];
}

const hasOwnList = (p: INodeProperties) =>
	(p.type === 'options' || p.type === 'multiOptions') && Array.isArray(p.options) && !p.typeOptions?.loadOptionsMethod;

/** Every options entry with a list of its own, at any depth. */
function optionsCases(node: INodeType): OptionsCase[] {
	const cases: OptionsCase[] = [];
	const walk = (top: INodeProperties, steps: OptionsCase['steps'], p: INodeProperties) => {
		if (hasOwnList(p)) cases.push({ node, top, steps, target: p, allowed: (p.options as Array<{ value: string }>).map((o) => String(o.value)) });
		if (p.type === 'collection') for (const e of (p.options ?? []) as INodeProperties[]) walk(top, [...steps, { entry: e }], e);
		if (p.type === 'fixedCollection') {
			for (const o of (p.options ?? []) as INodePropertyCollection[]) for (const e of o.values) walk(top, [...steps, { option: o.name, entry: e }], e);
		}
	};
	for (const p of node.description.properties) walk(p, [], p);
	return cases;
}

const isTrigger = (node: INodeType) => typeof node.trigger === 'function';
const label = (c: OptionsCase) => `${c.node.description.displayName}: ${[c.top.name, ...c.steps.map((s) => s.entry.name)].join(' > ')}${c.top.displayOptions?.show ? ` (${JSON.stringify(c.top.displayOptions.show)})` : ''}`;

/** A fixedCollection's or collection's item: its entries' defaults, with the path below set. */
function nested(p: INodeProperties, steps: OptionsCase['steps']): unknown {
	if (steps.length === 0) return UNKNOWN;
	const [step, ...rest] = steps;
	if (p.type === 'collection') return { [step.entry.name]: nested(step.entry, rest) };
	const option = ((p.options ?? []) as INodePropertyCollection[]).find((o) => o.name === step.option)!;
	const item: IDataObject = Object.fromEntries(option.values.map((e) => [e.name, structuredClone(e.default)]));
	item[step.entry.name] = nested(step.entry, rest) as IDataObject[string];
	return { [option.name]: p.typeOptions?.multipleValues ? [item] : item };
}

const shown = (p: INodeProperties, params: Record<string, unknown>) =>
	Object.entries(p.displayOptions?.show ?? {}).every(([k, values]) => k in params && (values as unknown[]).includes(params[k])) &&
	Object.entries(p.displayOptions?.hide ?? {}).every(([k, values]) => !(values as unknown[]).includes(params[k]));

/**
 * The parameters as the editor would save them with the target set: what its displayOptions
 * need, then every other shown parameter at its default (repeated: showing one can show others).
 */
function parametersFor(c: OptionsCase): Record<string, unknown> {
	const params: Record<string, unknown> = {};
	for (const [k, values] of Object.entries(c.top.displayOptions?.show ?? {})) params[k] = (values as unknown[])[0];
	params[c.top.name] = nested(c.top, c.steps);
	for (let pass = 0; pass < 3; pass++) {
		for (const p of c.node.description.properties) if (!(p.name in params) && shown(p, params)) params[p.name] = structuredClone(p.default);
	}
	return params;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const refusal = (c: OptionsCase) => `${c.target.name} must be one of ${c.allowed.join(', ')}; got "${UNKNOWN}"`;
/** The field an action's error item names: the parameter, or the entry inside a collection. */
const fieldOf = (c: OptionsCase) => c.target.name;

const allCases = nodes.flatMap(optionsCases);
const actionCases = allCases.filter((c) => !isTrigger(c.node));
const triggerCases = allCases.filter((c) => isTrigger(c.node));

afterAll(closeAllStores);

it('finds the options parameters of every shipped node, nested ones included', () => {
	expect(nodes).toHaveLength(shipped.length);
	const found = new Set(allCases.map((c) => `${c.node.description.name}.${[c.top.name, ...c.steps.map((s) => s.entry.name)].join('.')}`));
	// A few that must be among them; the rest are whatever the descriptions declare.
	for (const known of [
		'createLeadTask.assignTo',
		'createLeadTask.due',
		'createLeadTask.dueUnit',
		'assignLead.mode',
		'assignLead.whenAssigned',
		'lead.resource',
		'lead.operation',
		'lead.kind',
		'lead.direction',
		'lead.updateFields.kind',
		'lead.updateFields.priority',
		'lead.filters.priority',
		'staleLeadTrigger.inactivePeriod',
		'leadCreatedTrigger.filterCombinator',
		'leadCreatedTrigger.filterConditions.field',
		'leadCreatedTrigger.filterConditions.operator',
		'leadStatusChangedTrigger.filterGroups.combinator',
		'staleLeadTrigger.filterGroups.conditions.operator',
	]) {
		expect(found).toContain(known);
	}
});

forEachBackend((backend) => {
	describe('action nodes', () => {
		const kits = new Map(nodes.filter((n) => !isTrigger(n)).map((n) => [n, actionNodeKit(n, backend)]));
		/** Real references for the locators, so nothing but the unknown option can fail. */
		async function realReferences(c: OptionsCase, params: Record<string, unknown>): Promise<Record<string, Param>> {
			const kit = kits.get(c.node)!;
			const member = await kit.member('Ana');
			const refs: Record<string, unknown> = { lead: rl(await kit.lead({ owner: member.id })), stage: rl('Qualified', 'name'), member: rl(member.id), assignee: rl(member.id) };
			const out: Record<string, Param> = { ...params, name: 'Someone', description: 'Call back', content: 'A note', poolName: 'Pool', order: 'New' };
			for (const [k, v] of Object.entries(refs)) if (k in params) out[k] = v;
			return { ...out, [c.top.name]: params[c.top.name] };
		}

		it.each(actionCases.map((c) => [label(c), c] as const))('%s: refuses an unknown value, naming item and field; nothing is written', async (_, c) => {
			const kit = kits.get(c.node)!;
			const params = await realReferences(c, parametersFor(c));
			const error = await kit.refuses(params, new RegExp(`^Item 0, field "${escape(fieldOf(c))}": ${escape(refusal(c))}$`));
			expect(error).toBeInstanceOf(NodeOperationError);
		});

		it.each(actionCases.map((c) => [label(c), c] as const))('%s: with continue on fail, an error item with the field', async (_, c) => {
			const kit = kits.get(c.node)!;
			const params = await realReferences(c, parametersFor(c));
			const before = await storeFingerprint(kit.store);
			const [out] = await kit.run(params, [{}], { continueOnFail: true });
			expect(out).toEqual([{ json: { error: `Item 0, field "${fieldOf(c)}": ${refusal(c)}`, field: fieldOf(c) }, pairedItem: { item: 0 } }]);
			expect(await storeFingerprint(kit.store)).toEqual(before);
		});
	});

	describe('triggers', () => {
		let credentials: IDataObject;
		beforeAll(async () => {
			const config = backend().freshConfig();
			await backend().open({}, config);
			credentials = credentialsFor(config);
		});

		it.each(triggerCases.map((c) => [label(c), c] as const))('%s: an unknown value fails activation, naming the setting', async (_, c) => {
			const params = { stages: ['New'], ...parametersFor(c) };
			const started = startTrigger(c.node, { mode: 'activate', credentials, params });
			await expect(started).rejects.toThrow(new RegExp(`^Invalid trigger setting: (.*: )?${escape(refusal(c))}$`));
		});
	});
});
