/**
 * The nodes offer exactly the lead fields the registry (core/fields/leadFields.ts) says, in the
 * places it says: Create and Update every writable field, Get Many's Filters and the triggers'
 * audience filter the fields offered there. Checked on the real node descriptions.
 */
import type { INodeProperties, INodePropertyOptions, INodeType } from 'n8n-workflow';
import { CONTACT_LEAD_FIELDS, LEAD_FIELD_LIST, WRITABLE_LEAD_FIELDS, leadFieldsOfferedIn } from '../../core';
import { Lead } from '../../nodes/Lead/Lead.node';
import { conditionsFromFilters } from '../../nodes/Lead/resources/lead/fields';
import { leadFieldsFromValues } from '../../nodes/Lead/resources/lead/leadFieldsFrom';
import { LeadCreatedTrigger } from '../../nodes/LeadCreatedTrigger/LeadCreatedTrigger.node';
import { LeadStatusChangedTrigger } from '../../nodes/LeadStatusChangedTrigger/LeadStatusChangedTrigger.node';
import { StaleLeadTrigger } from '../../nodes/StaleLeadTrigger/StaleLeadTrigger.node';
import { audienceFilterFromParameters } from '../../nodes/shared/audienceFilterParameters';

const names = (list: ReadonlyArray<{ name: string }>) => list.map((f) => f.name).sort();
const properties = new Lead().description.properties;
const forOperation = (operation: string) =>
	properties.filter((p) => p.displayOptions?.show?.resource?.includes('lead') && p.displayOptions?.show?.operation?.includes(operation));
const collection = (operation: string, name: string) => forOperation(operation).find((p) => p.name === name)!.options as INodeProperties[];
const sortedByDisplayName = (options: INodeProperties[]) =>
	expect(options.map((o) => o.displayName)).toEqual(options.map((o) => o.displayName).sort((a, b) => a.localeCompare(b)));

describe('the Lead node', () => {
	it('Create offers every writable field: the contact fields as parameters, the rest as Additional Fields', () => {
		const own = forOperation('create').filter((p) => p.name !== 'additionalFields');
		expect(own.map((p) => p.name)).toEqual(CONTACT_LEAD_FIELDS.map((f) => f.name));
		const additional = collection('create', 'additionalFields');
		expect([...own, ...additional].map((p) => p.name).sort()).toEqual(names(WRITABLE_LEAD_FIELDS));
		sortedByDisplayName(additional);
	});

	it('Update offers every writable field, each with its registry label', () => {
		const fields = collection('update', 'updateFields');
		expect(names(fields)).toEqual(names(WRITABLE_LEAD_FIELDS));
		for (const f of WRITABLE_LEAD_FIELDS) expect(fields.find((p) => p.name === f.name)!.displayName).toBe(f.label);
		sortedByDisplayName(fields);
	});

	it("reads every field of Create's and Update's collections into the store's lead fields", () => {
		const values = Object.fromEntries(WRITABLE_LEAD_FIELDS.map((f) => [f.name, f.kind === 'custom' ? { field: [{ name: 'k', value: 'v' }] } : { mode: 'id', value: '1' }]));
		expect(names(Object.keys(leadFieldsFromValues(values)).map((name) => ({ name })))).toEqual(names(WRITABLE_LEAD_FIELDS));
	});

	it("Get Many's Filters test exactly the fields offered there, each filter on its own field", () => {
		const filters = collection('getMany', 'filters');
		sortedByDisplayName(filters);
		const tested = new Set<string>();
		for (const option of filters) {
			const conditions = conditionsFromFilters({ [option.name]: option.type === 'multiOptions' ? ['1'] : '2026-01-01T00:00:00Z' });
			expect(conditions).toHaveLength(1);
			tested.add(conditions[0].field);
		}
		expect([...tested].sort()).toEqual(names(leadFieldsOfferedIn('getManyFilter')));
		expect(conditionsFromFilters({})).toEqual([]);
	});
});

describe.each([
	['Lead Created Trigger', new LeadCreatedTrigger()],
	['Lead Status Changed Trigger', new LeadStatusChangedTrigger()],
	['Stale Lead Trigger', new StaleLeadTrigger()],
] as Array<[string, INodeType]>)('%s', (_name, node) => {
	const conditionFields = (list: INodeProperties[]): INodeProperties[] =>
		list.flatMap((p) => [
			...(p.name === 'field' && p.type === 'options' ? [p] : []),
			...conditionFields(((p.options ?? []) as Array<INodeProperties & { values?: INodeProperties[] }>).flatMap((o) => o.values ?? (o.displayName ? [o] : []))),
		]);

	it("offers the audience filter's fields, in every condition list, and the filter takes each", () => {
		const lists = conditionFields(node.description.properties);
		expect(lists.length).toBe(2); // top-level conditions and the conditions of a group
		for (const list of lists) {
			expect(names((list.options as INodePropertyOptions[]).map((o) => ({ name: String(o.value) })))).toEqual(names(leadFieldsOfferedIn('audienceFilter')));
		}
		for (const f of leadFieldsOfferedIn('audienceFilter')) {
			const condition = { field: f.name, customField: 'k', operator: 'is_empty' };
			expect(audienceFilterFromParameters({ filterLeads: true, filterConditions: { condition: [condition] } })?.conditions).toHaveLength(1);
		}
	});
});

it('refuses, in the audience filter, a field the registry does not offer there', () => {
	const hidden = LEAD_FIELD_LIST.filter((f) => f.filterable && !f.offer?.audienceFilter);
	expect(hidden.length).toBeGreaterThan(0);
	for (const f of hidden) {
		expect(() => audienceFilterFromParameters({ filterLeads: true, filterConditions: { condition: [{ field: f.name, operator: 'is_empty' }] } })).toThrow(new RegExp(`condition 1: .*${f.name}`));
	}
});
