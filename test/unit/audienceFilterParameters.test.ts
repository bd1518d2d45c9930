/**
 * The audience filter's n8n parameters → the core's FilterGroup, without n8n or a store. Every
 * field and operator the editor offers must be one the core accepts (checked through the core's
 * own resolveFilter with a stand-in resolver); the store-side behaviour of each operator, AND / OR
 * and groups is the contract suite's (test/contract/audienceFilter.contract.test.ts).
 */
import { isLeadStoreError, resolveFilter, type FilterGroup } from '../../core';
import { FILTER_FIELD_OPTIONS, FILTER_OPERATOR_OPTIONS, audienceFilterProperties } from '../../nodes/shared/audienceFilterDescription';
import { audienceFilterFromParameters, readAudienceFilter, type AudienceFilterParameters } from '../../nodes/shared/audienceFilterParameters';

const c = (field: string, operator: string, value?: unknown, customField?: string) => ({ field, operator, value, customField });
const resolver = { stageId: async () => 1, memberId: async () => 2 };

function errorOf(fn: () => unknown): Error {
	try {
		fn();
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected an error');
}

describe('audienceFilterFromParameters', () => {
	it('is null (every lead) while Filter Leads is off, whatever else is set', () => {
		expect(audienceFilterFromParameters({})).toBeNull();
		expect(audienceFilterFromParameters({ filterLeads: false, filterConditions: { condition: [c('source', 'equals', 'Web')] } })).toBeNull();
	});

	it('top-level conditions and groups, joined by the top-level Combine; each group by its own', () => {
		const group = audienceFilterFromParameters({
			filterLeads: true,
			filterCombinator: 'and',
			filterConditions: { condition: [c('source', 'equals', ' Facebook '), c('stage', 'is_not_one_of', 'Won, Lost ,')] },
			filterGroups: {
				group: [
					{ combinator: 'or', conditions: { condition: [c('priority', 'equals', 'high'), c('owner', 'is_empty', 'ignored')] } },
					{ combinator: 'and', conditions: { condition: [c('custom', 'contains', 'gold', ' tier '), c('email', 'is_not_empty')] } },
				],
			},
		});
		expect(group).toEqual<FilterGroup>({
			combinator: 'and',
			conditions: [
				{ field: 'source', operator: 'equals', value: 'Facebook' },
				{ field: 'stage', operator: 'is_not_one_of', value: ['Won', 'Lost'] },
				{
					combinator: 'or',
					conditions: [
						{ field: 'priority', operator: 'equals', value: 'high' },
						{ field: 'owner', operator: 'is_empty' },
					],
				},
				{
					combinator: 'and',
					conditions: [
						{ field: 'custom', customField: 'tier', operator: 'contains', value: 'gold' },
						{ field: 'email', operator: 'is_not_empty' },
					],
				},
			],
		});
	});

	it('OR at the top level; a group without a Combine is OR (its default), the top level AND', () => {
		expect(audienceFilterFromParameters({ filterLeads: true, filterCombinator: 'or', filterConditions: { condition: [c('gender', 'equals', 'f')] } })).toEqual({
			combinator: 'or',
			conditions: [{ field: 'gender', operator: 'equals', value: 'f' }],
		});
		expect(audienceFilterFromParameters({ filterLeads: true, filterGroups: { group: [{ conditions: { condition: [c('type', 'equals', 'b2b')] } }] } })).toEqual({
			combinator: 'and',
			conditions: [{ combinator: 'or', conditions: [{ field: 'type', operator: 'equals', value: 'b2b' }] }],
		});
	});

	it('list values: comma-separated text, or an array (an expression); numbers become text', () => {
		const group = audienceFilterFromParameters({
			filterLeads: true,
			filterConditions: { condition: [c('owner', 'is_one_of', ['a@x.com', 7, ' ']), c('stage', 'equals', 3)] },
		});
		expect(group!.conditions).toEqual([
			{ field: 'owner', operator: 'is_one_of', value: ['a@x.com', '7'] },
			{ field: 'stage', operator: 'equals', value: '3' },
		]);
	});

	it.each([
		['Filter Leads is on but has no conditions: add a condition, or turn Filter Leads off to run for every lead', { filterLeads: true }],
		['Filter Leads, condition 1: Value is required for Equals', { filterLeads: true, filterConditions: { condition: [c('source', 'equals', '  ')] } }],
		[
			'Filter Leads, condition 1: Value is required for Is One Of (a comma-separated list)',
			{ filterLeads: true, filterConditions: { condition: [c('source', 'is_one_of', ' , ')] } },
		],
		['Filter Leads, condition 1: Custom Field Name is required', { filterLeads: true, filterConditions: { condition: [c('custom', 'equals', 'x', '')] } }],
		[
			'Filter Leads, condition 1: field must be one of custom, email, gender, priority, source, stage, type, name, owner, phone; got "createdAt"',
			{ filterLeads: true, filterConditions: { condition: [c('createdAt', 'equals', 'x')] } },
		],
		[
			'Filter Leads, condition 1: operator must be one of contains, equals, is_empty, is_not_empty, is_not_one_of, is_one_of, not_equals; got "before"',
			{ filterLeads: true, filterConditions: { condition: [c('source', 'before', 'x')] } },
		],
		['Filter Leads, condition group 1: add at least one condition, or remove the group', { filterLeads: true, filterGroups: { group: [{ combinator: 'or' }] } }],
		[
			'Filter Leads, condition group 1: combinator must be one of and, or; got "xor"',
			{ filterLeads: true, filterGroups: { group: [{ combinator: 'xor', conditions: { condition: [c('source', 'equals', 'a')] } }] } },
		],
		[
			'Filter Leads, condition group 1, condition 2: Value is required for Contains',
			{ filterLeads: true, filterGroups: { group: [{ conditions: { condition: [c('source', 'equals', 'a'), c('phone', 'contains')] } }] } },
		],
	] as Array<[string, AudienceFilterParameters]>)('refuses: %s', (message, parameters) => {
		const error = errorOf(() => audienceFilterFromParameters(parameters));
		expect(isLeadStoreError(error)).toBe(true);
		expect(error.message).toBe(message);
	});

	it('every field and operator the editor offers is one the core accepts', async () => {
		expect(FILTER_FIELD_OPTIONS.map((o) => o.value).sort()).toEqual(['custom', 'email', 'gender', 'name', 'owner', 'phone', 'priority', 'source', 'stage', 'type']);
		expect(FILTER_OPERATOR_OPTIONS.map((o) => o.value).sort()).toEqual(['contains', 'equals', 'is_empty', 'is_not_empty', 'is_not_one_of', 'is_one_of', 'not_equals']);
		const conditions = FILTER_FIELD_OPTIONS.flatMap((field) =>
			FILTER_OPERATOR_OPTIONS.map((operator) => c(String(field.value), String(operator.value), 'a, b', field.value === 'custom' ? 'tier' : undefined)),
		);
		const group = audienceFilterFromParameters({ filterLeads: true, filterConditions: { condition: conditions } })!;
		expect(group.conditions).toHaveLength(70);
		await expect(resolveFilter(group, resolver)).resolves.toMatchObject({ combinator: 'and' });
	});

	it('readAudienceFilter reads the parameters by the names the description declares', () => {
		const declared = audienceFilterProperties.map((p) => p.name);
		expect(declared).toEqual(['filterLeads', 'filterCombinator', 'filterConditions', 'filterGroups']);
		const values: Record<string, unknown> = {
			filterLeads: true,
			filterCombinator: 'or',
			filterConditions: { condition: [c('name', 'contains', 'jo')] },
			filterGroups: {},
		};
		const asked: string[] = [];
		const group = readAudienceFilter((name, fallback) => (asked.push(name), values[name] ?? fallback));
		expect(asked.sort()).toEqual([...declared].sort());
		expect(group).toEqual({ combinator: 'or', conditions: [{ field: 'name', operator: 'contains', value: 'jo' }] });
	});
});
