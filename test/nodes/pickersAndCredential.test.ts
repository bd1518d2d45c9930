// The Lead Store credential's Test button and the searchable pickers, on real stores.
import type { ICredentialDataDecryptedObject, ICredentialTestFunctions, IDataObject, ILoadOptionsFunctions } from 'n8n-workflow';
import type { LeadStore } from '../../core';
import { leadStoreApiTest } from '../../nodes/shared/credentialTest';
import { searchLeads, searchMembers, searchStages } from '../../nodes/shared/listSearch';
import { closeAllStores } from '../../nodes/shared/storeFromCredential';
import { forEachBackend } from '../support/backends';
import { credentialsFor } from '../support/nodeHarness';

afterAll(closeAllStores);

const testCredential = (data: ICredentialDataDecryptedObject) =>
	leadStoreApiTest.call({} as ICredentialTestFunctions, { id: '1', name: 'Leads', type: 'leadStoreApi', data });

forEachBackend((backend) => {
	let store: LeadStore;
	let credentials: IDataObject;
	const loadOptions = () => ({ getCredentials: async () => credentials }) as unknown as ILoadOptionsFunctions;

	beforeAll(async () => {
		const config = backend().freshConfig();
		credentials = credentialsFor(config);
		store = await backend().open({}, config);
		await store.transaction(async (t) => {
			for (let i = 0; i < 60; i++) await t.createLead({ name: `Lead ${i}`, email: `lead${i}@example.com` });
			await t.createLead({ name: 'Zed Zebra', phone: '+1 555 0199' });
			await t.createMember({ name: 'Ana Active', email: 'ana@example.com' });
			await t.createMember({ name: 'Ivo Inactive', active: false });
		});
	});

	it('the credential test connects, migrates and names the schema version', async () => {
		const result = await testCredential(credentials as ICredentialDataDecryptedObject);
		expect(result).toEqual({ status: 'OK', message: expect.stringMatching(/^Connected to (SQLite file|PostgreSQL) .*; schema version \d+$/) });
	});

	it('searches leads by name, email or phone, page by page', async () => {
		const first = await searchLeads.call(loadOptions());
		expect(first.results).toHaveLength(50);
		expect(first.results[0]).toEqual({ name: 'Lead 0 (#' + first.results[0].value + ', New)', value: expect.stringMatching(/^\d+$/) });
		const second = await searchLeads.call(loadOptions(), undefined, first.paginationToken);
		expect(second.results).toHaveLength(11);
		expect(second.paginationToken).toBeUndefined();
		expect((await searchLeads.call(loadOptions(), 'zebra')).results.map((r) => r.name)).toEqual([expect.stringMatching(/^Zed Zebra/)]);
		expect((await searchLeads.call(loadOptions(), '0199')).results).toHaveLength(1);
		expect((await searchLeads.call(loadOptions(), 'LEAD5@')).results).toHaveLength(1);
	});

	it('lists stages with Won and Lost marked, and members with inactive ones marked', async () => {
		const stages = (await searchStages.call(loadOptions())).results.map((r) => r.name);
		expect(stages).toEqual(['New', 'Contacted', 'Qualified', 'Unresponsive', 'Won (won)', 'Lost (lost)']);
		expect((await searchStages.call(loadOptions(), 'qual')).results.map((r) => r.name)).toEqual(['Qualified']);
		const members = (await searchMembers.call(loadOptions())).results.map((r) => r.name);
		expect(members).toEqual(['Ana Active <ana@example.com>', 'Ivo Inactive (inactive)']);
	});
});

describe('the credential test says what failed', () => {
	it('PostgreSQL refusing the connection', async () => {
		const result = await testCredential({ backend: 'postgres', host: '127.0.0.1', port: 1, database: 'test', user: 'postgres', schema: 'x', ssl: 'disable' });
		expect(result).toEqual({ status: 'Error', message: 'Cannot reach PostgreSQL test@127.0.0.1:1 schema x: connection refused (is the server running, and on that port?)' });
	});

	it('a database that does not exist', async () => {
		const result = await testCredential({ backend: 'postgres', host: '127.0.0.1', port: 5432, database: 'no_such_db_here', user: 'postgres', schema: 'x', ssl: 'disable' });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/the database does not exist/);
	});

	it('a schema name that is not an identifier', async () => {
		const result = await testCredential({ backend: 'postgres', host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', schema: 'x; DROP', ssl: 'disable' });
		expect(result).toEqual({ status: 'Error', message: 'PostgreSQL schema "x; DROP" is not a plain identifier (letters, digits, _)' });
	});
});
