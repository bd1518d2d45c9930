/**
 * Walks the lead field registry (core/fields/leadFields.ts): every writable field round-trips
 * create → get → update (overwrite off, then on, then cleared) → filter, on both backends, and
 * every text limit is enforced with an error naming the field. A field added to the registry is
 * covered here without a new case.
 */
import {
	isLeadStoreError,
	LEAD_FIELD_LIST,
	LEAD_FIELDS,
	WRITABLE_LEAD_FIELDS,
	type FilterCondition,
	type Lead,
	type LeadFieldEntry,
	type LeadFields,
	type LeadStore,
} from '../../core';
import { forEachBackend } from '../support/backends';

type Field = LeadFieldEntry & { name: keyof LeadFields };

/** Two different values a caller gives for a field, and how each reads back on the lead. */
function samples(f: Field): { given: [unknown, unknown]; read: (lead: Lead) => unknown; expected: [unknown, unknown] } {
	const value = (lead: Lead) => (lead as unknown as Record<string, unknown>)[f.name];
	switch (f.kind) {
		case 'email':
			return { given: [`${f.name}.One@Example.com`, `${f.name}.two@example.com`], read: value, expected: [`${f.name}.one@example.com`, `${f.name}.two@example.com`] };
		case 'priority':
			return { given: ['high', 'Low'], read: value, expected: ['high', 'low'] };
		case 'stage':
			return { given: ['Contacted', 'Qualified'], read: (l) => (value(l) as Lead['stage']).name, expected: ['Contacted', 'Qualified'] };
		case 'member':
			return { given: ['ana@example.com', 'bo@example.com'], read: (l) => (value(l) as Lead['owner'])?.email ?? null, expected: ['ana@example.com', 'bo@example.com'] };
		case 'custom':
			return { given: [{ k: 'first' }, { k: 'second' }], read: (l) => (value(l) as Lead['custom']).k, expected: ['first', 'second'] };
		default:
			return { given: [`  ${f.name} one `, `${f.name} two`], read: value, expected: [`${f.name} one`, `${f.name} two`] };
	}
}

/** An audience-filter condition that matches the lead whose field reads `expected`. */
function equalsCondition(f: Field, expected: unknown): FilterCondition {
	if (f.kind === 'custom') return { field: f.name as FilterCondition['field'], customField: 'k', operator: 'equals', value: expected };
	return { field: f.name as FilterCondition['field'], operator: 'equals', value: expected };
}

/** A lead needs a contact field: give one that is not the field under test. */
const baseFor = (f: Field): LeadFields => (f.name === 'name' ? { phone: '+1 555 0100' } : { name: `lead for ${f.name}` });

const clearable = (f: Field) => f.kind !== 'stage' && f.kind !== 'custom';

forEachBackend((backend) => {
	let store: LeadStore;

	beforeAll(async () => {
		store = await backend().open();
		await store.transaction(async (t) => {
			await t.createMember({ name: 'Ana', email: 'ana@example.com' });
			await t.createMember({ name: 'Bo', email: 'bo@example.com' });
		});
	});

	it('hands out a lead with exactly the registry fields, and the table has a column for each', async () => {
		const lead = await store.transaction((t) => t.createLead({ name: 'Columns' }));
		expect(Object.keys(lead)).toEqual(Object.keys(LEAD_FIELDS));
		const row = await store.read((t) => t.tx.s.get<Record<string, unknown>>('SELECT * FROM leads WHERE id = $1', [lead.id]));
		for (const f of LEAD_FIELD_LIST) expect(Object.keys(row!)).toContain(f.column);
	});

	describe.each(WRITABLE_LEAD_FIELDS.map((f) => [f.name, f as Field] as const))('%s', (_name, f) => {
		const { given, read, expected } = samples(f);
		const find = (condition: FilterCondition) =>
			store.read(async (t) => (await t.findLeads({ filter: { combinator: 'and', conditions: [condition] }, limit: 1000 })).items.map((l) => l.id));

		it('is created, read back, kept by a soft update, replaced by an overwrite and found by a filter', async () => {
			const created = await store.transaction((t) => t.createLead({ ...baseFor(f), [f.name]: given[0] }));
			expect(read(created)).toEqual(expected[0]);
			expect(read(await store.read((t) => t.getLead(created.id)))).toEqual(expected[0]);

			const soft = await store.transaction((t) => t.updateLead(created.id, { [f.name]: given[1] }, { overwrite: false }));
			expect(read(soft.lead)).toEqual(expected[0]);
			expect(soft.changed).not.toContain(f.name);

			const hard = await store.transaction((t) => t.updateLead(created.id, { [f.name]: given[1] }, { overwrite: true }));
			expect(read(hard.lead)).toEqual(expected[1]);
			expect(hard.changed).toEqual([f.name]);
			expect(read(await store.read((t) => t.getLead(created.id)))).toEqual(expected[1]);

			if (f.filterable) {
				expect(await find(equalsCondition(f, expected[1]))).toContain(created.id);
				expect(await find(equalsCondition(f, expected[0]))).not.toContain(created.id);
			}
		});

		// A lead always has a stage, which a soft update leaves alone (README); every other field can be empty.
		if (f.kind !== 'stage') {
			it('is filled by a soft update when it is empty', async () => {
				const created = await store.transaction((t) => t.createLead(baseFor(f)));
				const soft = await store.transaction((t) => t.updateLead(created.id, { [f.name]: given[1] }, { overwrite: false }));
				expect(read(soft.lead)).toEqual(expected[1]);
				expect(soft.changed).toEqual([f.name]);
			});
		}

		if (clearable(f)) {
			it('is cleared by an overwrite with nothing, and then found empty', async () => {
				const created = await store.transaction((t) => t.createLead({ ...baseFor(f), [f.name]: given[0] }));
				const cleared = await store.transaction((t) => t.updateLead(created.id, { [f.name]: '' }, { overwrite: true }));
				expect(read(cleared.lead)).toBeNull();
				if (f.filterable) expect(await find({ field: f.name as FilterCondition['field'], operator: 'is_empty' })).toContain(created.id);
			});
		}

		if (f.limit !== undefined) {
			it(`refuses more than ${f.limit} characters, naming the field, and writes nothing`, async () => {
				const tooLong =
					f.kind === 'custom' ? { k: 'x'.repeat(f.limit!) } : f.kind === 'email' ? `${'a'.repeat(f.limit! - 11)}@example.com` : 'x'.repeat(f.limit! + 1);
				const before = (await store.read((t) => t.findLeads({ limit: 1000 }))).items.length;
				const error = await store.transaction((t) => t.createLead({ ...baseFor(f), [f.name]: tooLong })).catch((e) => e);
				expect(isLeadStoreError(error)).toBe(true);
				expect(error.field).toBe(f.name);
				expect((await store.read((t) => t.findLeads({ limit: 1000 }))).items.length).toBe(before);
				if (f.kind !== 'custom') {
					const longest = f.kind === 'email' ? `${'a'.repeat(f.limit! - 12)}@example.com` : 'x'.repeat(f.limit!);
					const ok = await store.transaction((t) => t.createLead({ ...baseFor(f), [f.name]: longest }));
					expect(read(ok)).toBe(longest);
				}
			});
		}
	});
});
