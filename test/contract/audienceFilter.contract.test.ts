/**
 * The audience filter on both backends, through the SQL the triggers run (events joined to
 * leads, filter spliced in) and through Get Many (findLeads): every operator, AND / OR / nested
 * groups, custom fields, case-insensitivity (Unicode too), and text full of SQL syntax and LIKE
 * wildcards matched literally.
 */
import { resolveEventCriteria, type FilterCondition, type FilterGroup, type LeadStore } from '../../core';
import { readEventWindow } from '../../core/delivery/eventQuery';
import { forEachBackend } from '../support/backends';
import { settled } from '../support/settled';

const INJECTION = "O'Brien'); DROP TABLE leads; --";

const LEADS = [
	{ name: 'Ana', source: 'Facebook Ads', type: 'Buyer', priority: 'high', gender: 'Female', owner: 'ana@example.com', custom: { budget: 5000, vip: true, note: '50% off_deal' } },
	{ name: 'Bo', source: 'facebook ads', type: 'Seller', priority: 'low', gender: 'male', custom: { budget: 100 }, stage: 'Contacted' },
	{ name: 'Cy', stage: 'Qualified', owner: 'ben@example.com' },
	{ name: 'Di', source: INJECTION, type: 'buyer', custom: { note: 'a_b\\c' } },
	{ name: 'Éva', source: 'ÉCOLE', custom: { city: 'Zürich' } },
	{ name: 'Fi', source: '100% organic', custom: { note: 'x%y' } },
];
const ALL = LEADS.map((l) => l.name);

const c = (field: string, operator: string, value?: unknown, customField?: string) =>
	({ field, operator, value, customField }) as FilterCondition;
const and = (...conditions: Array<FilterCondition | FilterGroup>): FilterGroup => ({ combinator: 'and', conditions });
const or = (...conditions: Array<FilterCondition | FilterGroup>): FilterGroup => ({ combinator: 'or', conditions });
const except = (...names: string[]) => ALL.filter((n) => !names.includes(n));

const CASES: Array<[string, FilterGroup, string[]]> = [
	['equals ignores case', and(c('source', 'equals', 'FACEBOOK ADS')), ['Ana', 'Bo']],
	['equals folds non-ASCII case the same on both backends', and(c('source', 'equals', 'école')), ['Éva']],
	['not equals keeps empty values', and(c('source', 'not_equals', 'facebook ads')), ['Cy', 'Di', 'Éva', 'Fi']],
	['is one of (list)', and(c('type', 'is_one_of', ['BUYER', 'nobody'])), ['Ana', 'Di']],
	['is one of (comma-separated text)', and(c('priority', 'is_one_of', 'high, low')), ['Ana', 'Bo']],
	['is not one of keeps empty values', and(c('type', 'is_not_one_of', ['buyer'])), ['Bo', 'Cy', 'Éva', 'Fi']],
	['is empty', and(c('source', 'is_empty')), ['Cy']],
	['is not empty', and(c('source', 'is_not_empty')), except('Cy')],
	['contains ignores case', and(c('source', 'contains', 'BOOK')), ['Ana', 'Bo']],
	['contains with non-ASCII', and(c('name', 'contains', 'év')), ['Éva']],
	['contains % is literal', and(c('source', 'contains', '%')), ['Fi']],
	['contains _ is literal', and(c('custom', 'contains', '_', 'note')), ['Ana', 'Di']],
	['contains a backslash is literal', and(c('custom', 'contains', '\\', 'note')), ['Di']],
	['contains SQL syntax is literal', and(c('source', 'contains', "'); DROP TABLE")), ['Di']],
	['equals SQL syntax is literal', and(c('source', 'equals', INJECTION)), ['Di']],
	['stage equals (by name)', and(c('stage', 'equals', 'qualified')), ['Cy']],
	['stage is one of', and(c('stage', 'is_one_of', ['Contacted', 'Qualified'])), ['Bo', 'Cy']],
	['stage not equals', and(c('stage', 'not_equals', 'New')), ['Bo', 'Cy']],
	['stage is not one of', and(c('stage', 'is_not_one_of', ['New', 'Contacted'])), ['Cy']],
	['stage contains (its name)', and(c('stage', 'contains', 'QUAL')), ['Cy']],
	['owner equals (by email)', and(c('owner', 'equals', 'ana@example.com')), ['Ana']],
	['owner not equals keeps unowned', and(c('owner', 'not_equals', 'ana@example.com')), except('Ana')],
	['owner is empty', and(c('owner', 'is_empty')), ['Bo', 'Di', 'Éva', 'Fi']],
	['owner is not empty', and(c('owner', 'is_not_empty')), ['Ana', 'Cy']],
	['owner contains (name)', and(c('owner', 'contains', 'be')), ['Cy']],
	['gender equals', and(c('gender', 'equals', 'FEMALE')), ['Ana']],
	['custom number equals', and(c('custom', 'equals', '5000', 'budget')), ['Ana']],
	['custom boolean equals', and(c('custom', 'equals', 'TRUE', 'vip')), ['Ana']],
	['custom is one of', and(c('custom', 'is_one_of', ['100', '5000'], 'budget')), ['Ana', 'Bo']],
	['custom is empty (missing key)', and(c('custom', 'is_empty', undefined, 'budget')), ['Cy', 'Di', 'Éva', 'Fi']],
	['custom is not empty', and(c('custom', 'is_not_empty', undefined, 'budget')), ['Ana', 'Bo']],
	['custom not equals keeps missing', and(c('custom', 'not_equals', 'zürich', 'city')), except('Éva')],
	['custom equals non-ASCII ignoring case', and(c('custom', 'equals', 'ZÜRICH', 'city')), ['Éva']],
	['AND', and(c('source', 'contains', 'facebook'), c('priority', 'equals', 'HIGH')), ['Ana']],
	['OR', or(c('type', 'equals', 'seller'), c('stage', 'equals', 'Qualified')), ['Bo', 'Cy']],
	[
		'nested groups',
		or(and(c('source', 'contains', 'facebook'), or(c('priority', 'equals', 'low'), c('owner', 'equals', 'ana@example.com'))), c('custom', 'is_not_empty', undefined, 'city')),
		['Ana', 'Bo', 'Éva'],
	],
	['AND inside OR inside AND', and(c('name', 'is_not_empty'), or(and(c('type', 'equals', 'buyer'), c('owner', 'is_empty')), c('source', 'contains', 'organic'))), ['Di', 'Fi']],
	['an empty group matches every lead', and(), ALL],
];

forEachBackend((backend) => {
	let store: LeadStore;

	beforeAll(async () => {
		store = await backend().open();
		await store.transaction(async (t) => {
			await t.createMember({ name: 'Ana Admin', email: 'ana@example.com' });
			await t.createMember({ name: 'Ben', email: 'ben@example.com' });
			for (const lead of LEADS) await t.createLead(lead);
		});
		await settled(store);
	});

	const viaTrigger = (filter: FilterGroup) =>
		store.read(async (t) => {
			const criteria = await resolveEventCriteria(t.tx, { kind: 'lead.created', filter });
			const window = await readEventWindow(t.tx, { after: 0, skipBefore: 0, criteria, limit: 1000 });
			return window.events.map((e) => e.lead.name);
		});
	const viaGetMany = (filter: FilterGroup) => store.read(async (t) => (await t.findLeads({ filter, limit: 100 })).items.map((l) => l.name));

	it.each(CASES)('%s', async (_title, filter, expected) => {
		expect(await viaTrigger(filter)).toEqual(expected);
		expect(await viaGetMany(filter)).toEqual(expected);
	});

	it('leaves the tables intact after hostile text', async () => {
		expect((await store.read((t) => t.findLeads({ limit: 100 }))).items).toHaveLength(LEADS.length);
	});

	it('refuses an operator that does not fit the field, naming where', async () => {
		await expect(viaTrigger(and(c('source', 'equals', 'x'), or(c('createdAt', 'contains', 'x'))))).rejects.toMatchObject({
			code: 'invalid',
			field: 'filter.conditions[1].conditions[0].operator',
		});
		await expect(viaTrigger(and(c('stage', 'equals', 'Negotiation')))).rejects.toMatchObject({ code: 'not_found', field: 'filter.conditions[0].value' });
		await expect(viaTrigger(and(c('source', 'equals', '')))).rejects.toMatchObject({ code: 'invalid', field: 'filter.conditions[0].value' });
	});
});
