/**
 * What the action-node suites share: a fresh store per backend reached both directly (to set up
 * and to check what it holds) and through the node's credential, and the assertions a user
 * would make: the run failed with a message naming item and field, and nothing was written.
 */
import { NodeOperationError, type IDataObject, type INodeType } from 'n8n-workflow';
import type { LeadStore, Member } from '../../core';
import type { TestBackend } from './backends';
import { credentialsFor, runNode, type Param, type RunOptions } from './nodeHarness';
import { storeFingerprint } from './storeAssertions';

export interface Kit {
	store: LeadStore;
	credentials: IDataObject;
	run(params: Record<string, Param>, items?: IDataObject[], options?: Partial<RunOptions>): ReturnType<typeof runNode>;
	lead(fields?: Record<string, unknown>): Promise<number>;
	member(name: string, options?: { active?: boolean }): Promise<Member>;
	/** Runs, expects a NodeOperationError matching `message`, and that the store is unchanged. */
	refuses(params: Record<string, Param>, message: RegExp, items?: IDataObject[]): Promise<NodeOperationError>;
}

let seq = 0;

/** Call inside forEachBackend; the kit is filled in beforeAll. */
export function actionNodeKit(node: INodeType, backend: () => TestBackend): Kit {
	const kit = {} as Kit;
	beforeAll(async () => {
		const config = backend().freshConfig();
		kit.store = await backend().open({}, config);
		kit.credentials = credentialsFor(config);
	});
	kit.run = (params, items, options = {}) => runNode(node, { params, items, credentials: kit.credentials, ...options });
	kit.lead = async (fields = {}) => (await kit.store.transaction((t) => t.createLead({ name: `Lead ${++seq}`, ...fields }))).id;
	kit.member = async (name, options = {}) =>
		kit.store.transaction((t) => t.createMember({ name, email: `${name.toLowerCase().replace(/\W+/g, '.')}.${++seq}@example.com`, active: options.active }));
	kit.refuses = async (params, message, items) => {
		const before = await storeFingerprint(kit.store);
		const error = await kit.run(params, items).then(
			() => {
				throw new Error(`expected the node to refuse with ${message}`);
			},
			(e) => e,
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(message);
		expect(await storeFingerprint(kit.store)).toEqual(before);
		return error;
	};
	return kit;
}

/** The item a lead trigger hands on: the lead, and the event with its causation depth. */
export const triggerItem = (leadId: number, causationDepth = 0): IDataObject => ({
	event: { type: 'lead.created', causationDepth },
	lead: { id: leadId },
});

/** The leadLocator's default expression, `{{ $json.lead ? $json.lead.id : $json.id }}`, as the harness evaluates it. */
export const leadFromItem = (_i: number, item: { json: IDataObject }) => {
	const lead = item.json.lead as IDataObject | undefined;
	return { __rl: true, mode: 'id', value: String(lead ? lead.id : item.json.id) };
};
