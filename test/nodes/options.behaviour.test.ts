/**
 * What a user notices of the options helper beyond the generated refusals (options.test.ts): an
 * expression that gives "nobody" for Create Lead Task's Assign To no longer hands the task to
 * the lead's owner, an unknown Due is no longer "after a delay", and every list the nodes offer
 * is the core's enum, labelled.
 */
import {
	DIRECTIONS,
	DUE_UNITS,
	FILTER_OPERATORS,
	LOGGABLE_ACTIVITY_KINDS,
	OPPORTUNITY_STATUS_KINDS,
	PRIORITIES,
	STAGE_KINDS,
	STALE_MODES,
	TASK_TYPES,
	WHEN_ASSIGNED,
} from '../../core';
import type { INodeProperties, INodeType } from 'n8n-workflow';
import { AssignLead } from '../../nodes/AssignLead/AssignLead.node';
import { CreateLeadTask } from '../../nodes/CreateLeadTask/CreateLeadTask.node';
import { Lead } from '../../nodes/Lead/Lead.node';
import { FILTER_OPERATOR_OPTIONS } from '../../nodes/shared/audienceFilterDescription';
import { optionsFrom } from '../../nodes/shared/options';
import { closeAllStores } from '../../nodes/shared/storeFromCredential';
import { StaleLeadTrigger } from '../../nodes/StaleLeadTrigger/StaleLeadTrigger.node';
import { actionNodeKit, leadFromItem, triggerItem } from '../support/actionNodeKit';
import { forEachBackend } from '../support/backends';
import type { Param } from '../support/nodeHarness';
import { storeFingerprint } from '../support/storeAssertions';

afterAll(closeAllStores);

forEachBackend((backend) => {
	const kit = actionNodeKit(new CreateLeadTask(), backend);
	/** Assign To as an expression: each item says whom its task goes to. */
	const params = (overrides: Record<string, Param> = {}): Record<string, Param> => ({
		lead: leadFromItem,
		type: 'call',
		description: 'Call back',
		due: 'after',
		dueAmount: 1,
		dueUnit: 'days',
		assignTo: (_i: number, item: { json: { assignTo?: string } }) => item.json.assignTo,
		priority: 'normal',
		required: true,
		...overrides,
	});

	it('Assign To "nobody" (the value is "none") fails the run naming item and field, and writes nothing, not even the good item', async () => {
		const owner = await kit.member('Olga');
		const leadId = await kit.lead({ owner: owner.id });
		const items = [{ ...triggerItem(leadId), assignTo: 'none' }, { ...triggerItem(leadId), assignTo: 'nobody' }];
		await kit.refuses(params(), /^Item 1, field "assignTo": assignTo must be one of field, pool, member, none, owner; got "nobody"$/, items);
		expect(await kit.store.read((t) => t.listTasks(leadId))).toEqual([]);
	});

	it('with continue on fail, "nobody" becomes an error item with its field; the good item is written and nothing goes to the owner', async () => {
		const owner = await kit.member('Olga');
		const leadId = await kit.lead({ owner: owner.id });
		const items = [{ ...triggerItem(leadId), assignTo: 'none' }, { ...triggerItem(leadId), assignTo: 'nobody' }];
		const [out] = await kit.run(params(), items, { continueOnFail: true });
		expect(out[0].json).toMatchObject({ leadId, assigneeId: null });
		expect(out[1]).toEqual({
			json: { error: 'Item 1, field "assignTo": assignTo must be one of field, pool, member, none, owner; got "nobody"', field: 'assignTo' },
			pairedItem: { item: 1 },
		});
		const tasks = await kit.store.read((t) => t.listTasks(leadId));
		expect(tasks).toHaveLength(1);
		expect(tasks.some((task) => task.assigneeId === owner.id)).toBe(false);
	});

	it('an unknown Due is refused, not read as "after a delay"', async () => {
		const leadId = await kit.lead();
		const before = await storeFingerprint(kit.store);
		await kit.refuses(params({ due: 'later', assignTo: 'none' }), /^Item 0, field "due": due must be one of after, at, immediately; got "later"$/, [triggerItem(leadId)]);
		expect(await storeFingerprint(kit.store)).toEqual(before);
	});

	it('an options value is matched exactly: "Owner" is not "owner"', async () => {
		const leadId = await kit.lead();
		await kit.refuses(params({ assignTo: 'Owner' }), /field "assignTo": assignTo must be one of field, pool, member, none, owner; got "Owner"$/, [triggerItem(leadId)]);
	});
});

describe('option lists are the core enums, labelled', () => {
	/** Every property named `name` in a description, collections included. */
	const find = (node: INodeType, name: string): INodeProperties[] => {
		const out: INodeProperties[] = [];
		const walk = (p: INodeProperties) => {
			if (p.name === name && Array.isArray(p.options)) out.push(p);
			if (p.type === 'collection') (p.options as INodeProperties[]).forEach(walk);
		};
		node.description.properties.forEach(walk);
		return out;
	};
	const values = (p: INodeProperties) => (p.options as Array<{ value: string }>).map((o) => o.value).sort();
	const sorted = (list: readonly string[]) => [...list].sort();

	it.each([
		['Create Lead Task: Type', new CreateLeadTask(), 'type', TASK_TYPES],
		['Create Lead Task: Unit', new CreateLeadTask(), 'dueUnit', DUE_UNITS],
		['Create Lead Task: Priority', new CreateLeadTask(), 'priority', PRIORITIES],
		['Assign Lead: If Already Assigned', new AssignLead(), 'whenAssigned', WHEN_ASSIGNED],
		['Lead: Log Activity kind, stage kind, opportunity status kind', new Lead(), 'kind', null],
		['Lead: Direction', new Lead(), 'direction', DIRECTIONS],
		['Lead: Priority (create, update, filters)', new Lead(), 'priority', PRIORITIES],
		['Stale Lead Trigger: Inactive Period', new StaleLeadTrigger(), 'inactivePeriod', STALE_MODES],
	] as Array<[string, INodeType, string, readonly string[] | null]>)('%s', (_, node, name, enumValues) => {
		const found = find(node, name);
		expect(found.length).toBeGreaterThan(0);
		for (const p of found) {
			const expected = enumValues ?? (values(p).includes('active') ? OPPORTUNITY_STATUS_KINDS : values(p).includes('won') ? STAGE_KINDS : LOGGABLE_ACTIVITY_KINDS);
			expect(values(p)).toEqual(sorted(expected));
		}
	});

	it("the audience filter's operators are the core's, less the time-only Before and After", () => {
		expect(FILTER_OPERATOR_OPTIONS.map((o) => o.value).sort()).toEqual(sorted(FILTER_OPERATORS.filter((o) => o !== 'before' && o !== 'after')));
	});

	it('sorts lists of five or more by name (n8n lint); shorter ones keep the enum order', () => {
		expect(optionsFrom(['b', 'a', 'e', 'c', 'd'] as const, { a: 'Zed', b: 'Alpha', c: 'Mid', d: 'Beta', e: 'Kilo' }).map((o) => o.name)).toEqual([
			'Alpha',
			'Beta',
			'Kilo',
			'Mid',
			'Zed',
		]);
		expect(optionsFrom(PRIORITIES, { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' }).map((o) => o.value)).toEqual(['low', 'normal', 'high', 'urgent']);
	});

	it('a value without a label, or a label without a value, does not compile', () => {
		// @ts-expect-error 'b' has no label
		optionsFrom(['a', 'b'] as const, { a: 'A' });
		// @ts-expect-error 'c' is not a value
		optionsFrom(['a'] as const, { a: 'A', c: 'C' });
	});
});
