// Every node's canvas subtitle, evaluated the way n8n's editor does it (getNodeSubtitle in
// n8n-editor-ui: `workflow.expression.getSimpleParameterValue(node, subtitle, 'internal', {})` on
// a Workflow built from the saved parameters, which fills in the defaults), with n8n-workflow's
// real expression engine. Parameters are varied the way the editor saves them: every option,
// resource locators picked from the list (with `cachedResultName`), by id, by name, by
// expression and empty, and other fields set by expression.
import * as path from 'node:path';
import {
	Workflow,
	type INode,
	type INodeParameters,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type NodeParameterValueType,
} from 'n8n-workflow';

const root = path.resolve(__dirname, '../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require(path.join(root, 'package.json')) as { n8n: { nodes: string[] } };

// Every node package.json ships, from its source: 'dist/nodes/Lead/Lead.node.js' → nodes/Lead/Lead.node.ts.
const nodeTypes: INodeType[] = pkg.n8n.nodes.map((file) => {
	const source = path.join(root, file.replace(/^dist\//, '').replace(/\.js$/, ''));
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const exported = require(source) as Record<string, new () => INodeType>;
	return new (Object.values(exported)[0])();
});

function subtitleOf(type: INodeType, parameters: INodeParameters): unknown {
	const node: INode = {
		id: 'n1',
		name: type.description.defaults.name ?? 'Node',
		type: `n8n-nodes-lead-management.${type.description.name}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: structuredClone(parameters),
	};
	const types: INodeTypes = { getByName: () => type, getByNameAndVersion: () => type, getKnownTypes: () => ({}) };
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: types });
	return workflow.expression.getSimpleParameterValue(node, type.description.subtitle, 'internal', {}, undefined, '[filled at execution time]');
}

const rl = (mode: string, value: string, cachedResultName?: string) => ({ __rl: true, mode, value, ...(cachedResultName ? { cachedResultName } : {}) });

/** The values the editor can save for one property: each option, each locator mode, an expression. */
function savedValues(property: INodeProperties): NodeParameterValueType[] {
	const expression = property.noDataExpression ? [] : [`={{ $json.${property.name} }}`];
	switch (property.type) {
		case 'options':
			return [...(property.options ?? []).map((option) => ('value' in option ? option.value : '')), ...expression];
		case 'multiOptions':
			return [['any'], ['3', '5'], [], ...expression];
		case 'resourceLocator': {
			const modes = (property.modes ?? []).map((mode) => mode.name);
			return [
				rl('list', '17', 'Qualified'),
				rl('list', '17'),
				rl('list', ''),
				...modes.filter((mode) => mode !== 'list').map((mode) => rl(mode, mode === 'id' ? '17' : 'Qualified')),
				rl('id', '={{ $json.id }}'),
			];
		}
		case 'string':
			return ['Hot leads', '', ...expression];
		case 'number':
			return [2, ...expression];
		case 'boolean':
			return [true, false, ...expression];
		default:
			return [];
	}
}

/** Parameter sets: the defaults, then each property at each saved value, with what shows it. */
function parameterSets(type: INodeType): INodeParameters[] {
	const sets: INodeParameters[] = [{}];
	for (const property of type.description.properties) {
		const shownBy: INodeParameters = {};
		for (const [name, values] of Object.entries(property.displayOptions?.show ?? {})) {
			if (name !== property.name && Array.isArray(values) && values.length) shownBy[name] = values[0] as NodeParameterValueType;
		}
		for (const value of savedValues(property)) sets.push({ ...shownBy, [property.name]: value });
	}
	return sets;
}

/** Option values a person should never read on the canvas: those that are not a word of their own label. */
function rawValues(type: INodeType): string[] {
	const raw = new Set<string>();
	for (const property of type.description.properties) {
		for (const option of property.options ?? []) {
			if (!('value' in option) || typeof option.value !== 'string' || !option.value) continue;
			const words = option.name.toLowerCase().split(/[^a-z0-9]+/);
			if (!words.includes(option.value)) raw.add(option.value);
		}
	}
	return [...raw];
}

describe.each(nodeTypes.map((type) => [type.description.displayName, type] as const))('%s subtitle', (_name, type) => {
	const raw = rawValues(type);

	it.each(parameterSets(type).map((parameters) => [JSON.stringify(parameters), parameters] as const))(
		'reads well for %s',
		(_json, parameters) => {
			const subtitle = subtitleOf(type, parameters);
			expect(typeof subtitle).toBe('string');
			const text = subtitle as string;
			expect(text.trim()).not.toBe('');
			expect(text).not.toMatch(/undefined|null|NaN|\[object Object\]/);
			for (const value of raw) expect(text).not.toMatch(new RegExp(`(^|[^A-Za-z0-9_])${value}([^A-Za-z0-9_]|$)`));
		},
	);
});

const byName = (displayName: string) => nodeTypes.find((type) => type.description.displayName === displayName)!;

describe('subtitles name what the user chose', () => {
	it("Update Lead Stage shows the stage's name, not its id", () => {
		const node = byName('Update Lead Stage');
		expect(subtitleOf(node, { stage: rl('list', '17', 'Qualified') })).toBe('to Qualified');
		expect(subtitleOf(node, { stage: rl('name', 'Qualified') })).toBe('to Qualified');
		expect(subtitleOf(node, { stage: rl('id', '17') })).toBe('to stage 17');
		expect(subtitleOf(node, { stage: rl('id', '={{ $json.stageId }}') })).toBe('to the stage from an expression');
		expect(subtitleOf(node, {})).toBe('to a stage');
	});

	it("Create Lead Task shows the type's label", () => {
		const node = byName('Create Lead Task');
		expect(subtitleOf(node, {})).toBe('Follow-Up task');
		expect(subtitleOf(node, { type: 'call' })).toBe('Call task');
		expect(subtitleOf(node, { type: '={{ $json.kind }}' })).toBe('Lead task');
	});

	it("the Lead node shows the operation's and resource's labels", () => {
		const node = byName('Lead');
		expect(subtitleOf(node, {})).toBe('Create: Lead');
		expect(subtitleOf(node, { resource: 'lead', operation: 'getMany' })).toBe('Get Many: Lead');
		expect(subtitleOf(node, { resource: 'member', operation: 'getMany' })).toBe('Get Many: Team Member');
	});
});
