/**
 * Adding a lead field is one registry entry and one migration. This suite proves it: it loads the
 * core and the Lead node against a copy of core/fields/leadFields.ts with one more entry
 * ("company"), adds its column as a migration would, and uses the field end to end on both
 * backends: created, read, updated, filtered, offered by the node, with nothing else edited.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import type * as Core from '../../core';
import { forEachBackend } from '../support/backends';

const registryPath = path.resolve(__dirname, '../../core/fields/leadFields.ts');
const company = `company: { column: 'company', kind: 'text', limit: 120, writable: true, filterable: true, offer: { audienceFilter: true, getManyFilter: true }, label: 'Company' },`;

/** The registry's source with the new entry after `gender`, compiled to a module beside the test's temp files. */
function registryWithCompany(): string {
	const source = fs.readFileSync(registryPath, 'utf8');
	const at = source.indexOf('\tgender: {');
	expect(at).toBeGreaterThan(0);
	const edited = (source.slice(0, at) + `\t${company}\n` + source.slice(at)).replace("from '../validation'", `from ${JSON.stringify(path.resolve(__dirname, '../../core/validation'))}`);
	const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lead-registry-')), 'leadFields.js');
	fs.writeFileSync(file, ts.transpileModule(edited, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText);
	return file;
}

let core: typeof Core;
let leadNodeModule: typeof import('../../nodes/Lead/Lead.node');
let fieldsModule: typeof import('../../nodes/Lead/resources/lead/fields');
let filterDescription: typeof import('../../nodes/shared/audienceFilterDescription');

beforeAll(() => {
	const file = registryWithCompany();
	// require(), not import: these modules must load inside the isolated registry, after the mock.
	/* eslint-disable @typescript-eslint/no-require-imports */
	jest.isolateModules(() => {
		jest.doMock(registryPath, () => jest.requireActual(file));
		core = require('../../core');
		leadNodeModule = require('../../nodes/Lead/Lead.node');
		fieldsModule = require('../../nodes/Lead/resources/lead/fields');
		filterDescription = require('../../nodes/shared/audienceFilterDescription');
	});
	/* eslint-enable @typescript-eslint/no-require-imports */
});

forEachBackend((backend) => {
	let store: Core.LeadStore;

	beforeAll(async () => {
		store = await core.openLeadStore(backend().freshConfig());
		// The one migration: its column.
		await store.transaction((t) => t.tx.s.run('ALTER TABLE leads ADD COLUMN company TEXT'));
	});
	afterAll(() => store.close());

	it('creates, reads, updates and filters the new field', async () => {
		const fields = { name: 'Ada', company: ' Analytical Engines ' } as Core.LeadFields;
		const lead = await store.transaction((t) => t.createLead(fields));
		expect(lead).toMatchObject({ name: 'Ada', company: 'Analytical Engines' });
		const soft = await store.transaction((t) => t.updateLead(lead.id, { company: 'Babbage & Co' } as Core.LeadFields, { overwrite: false }));
		expect(soft.lead).toMatchObject({ company: 'Analytical Engines' });
		const hard = await store.transaction((t) => t.updateLead(lead.id, { company: 'Babbage & Co' } as Core.LeadFields));
		expect(hard).toMatchObject({ lead: { company: 'Babbage & Co' }, changed: ['company'] });
		const found = await store.read((t) =>
			t.findLeads({ filter: { combinator: 'and', conditions: [{ field: 'company' as Core.FilterField, operator: 'contains', value: 'BABBAGE' }] } }),
		);
		expect(found.items.map((l) => l.id)).toEqual([lead.id]);
		const error = await store.transaction((t) => t.createLead({ name: 'Long', company: 'x'.repeat(121) } as Core.LeadFields)).catch((e) => e);
		expect(error).toMatchObject({ field: 'company' });
	});

	it('is offered by the Lead node (Create, Update, Get Many) and the audience filter', () => {
		const properties = new leadNodeModule.Lead().description.properties;
		const options = (name: string) => (properties.find((p) => p.name === name)!.options as Array<{ name: string }>).map((o) => o.name);
		expect(options('additionalFields')).toContain('company');
		expect(options('updateFields')).toContain('company');
		expect(options('filters')).toContain('company');
		expect(fieldsModule.conditionsFromFilters({ company: 'Acme' })).toEqual([{ field: 'company', operator: 'equals', value: 'Acme' }]);
		expect(filterDescription.FILTER_FIELD_OPTIONS).toContainEqual({ name: 'Company', value: 'company' });
	});
});
