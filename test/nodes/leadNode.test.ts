import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeOperationError, type IDataObject } from 'n8n-workflow';
import type { LeadStore } from '../../core';
import { Lead } from '../../nodes/Lead/Lead.node';
import { closeAllStores } from '../../nodes/shared/storeFromCredential';
import { forEachBackend } from '../support/backends';
import { credentialsFor, rl, runNode, type Param } from '../support/nodeHarness';

const node = new Lead();

afterAll(closeAllStores);

forEachBackend((backend) => {
	let credentials: IDataObject;
	let store: LeadStore;

	let someLead: number;

	beforeAll(async () => {
		const config = backend().freshConfig();
		store = await backend().open({}, config);
		credentials = credentialsFor(config);
		someLead = (await store.transaction((t) => t.createLead({ name: 'Existing' }))).id;
	});

	const run = (params: Record<string, Param>, items?: IDataObject[], continueOnFail = false) =>
		runNode(node, { params, items, credentials, continueOnFail });
	const leadCount = async () => (await store.read((t) => t.findLeads({ limit: 1000 }))).items.length;

	it('creates a lead and gets it back', async () => {
		const [[created]] = await run({
			resource: 'lead',
			operation: 'create',
			name: 'Ada Lovelace',
			email: 'ada@example.com',
			phone: '',
			additionalFields: { source: 'Facebook Ads', priority: 'high', stage: { mode: 'name', value: 'Contacted' }, custom: { field: [{ name: 'budget', value: '5000' }] } },
		});
		expect(created.json).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com', source: 'Facebook Ads', priority: 'high', stage: { name: 'Contacted' }, custom: { budget: '5000' } });
		expect(created.json.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
		expect(created.pairedItem).toEqual({ item: 0 });

		// The default lead locator reads the id from the incoming item, as after a trigger.
		const [[got]] = await run({ resource: 'lead', operation: 'get', lead: (_i: number, item: { json: IDataObject }) => rl(String((item.json.lead as IDataObject).id)) }, [{ lead: created.json }]);
		expect(got.json).toEqual(created.json);
	});

	it('gets many with filters, paging and return all', async () => {
		for (let i = 0; i < 7; i++) {
			await store.transaction((t) => t.createLead({ name: `Page ${i}`, source: i % 2 ? 'Web' : 'Referral', type: 'paging' }));
		}
		const [some] = await run({ resource: 'lead', operation: 'getMany', returnAll: false, limit: 2, filters: { type: 'paging' } });
		expect(some.map((i) => i.json.name)).toEqual(['Page 0', 'Page 1']);
		const [all] = await run({ resource: 'lead', operation: 'getMany', returnAll: true, filters: { type: 'PAGING', source: 'web' } });
		expect(all.map((i) => i.json.name)).toEqual(['Page 1', 'Page 3', 'Page 5']);
		const [none] = await run({ resource: 'lead', operation: 'getMany', returnAll: true, filters: { type: 'paging', createdBefore: '2000-01-01T00:00:00Z' } });
		expect(none).toHaveLength(0);
	});

	it('updates only empty fields when overwrite is off', async () => {
		const lead = await store.transaction((t) => t.createLead({ name: 'Keep', source: 'Web' }));
		const [[soft]] = await run({ resource: 'lead', operation: 'update', lead: rl(lead.id), overwrite: false, updateFields: { name: 'Replace', phone: '+44 20 7946 0000', source: 'Ads' } });
		expect(soft.json).toMatchObject({ name: 'Keep', phone: '+44 20 7946 0000', source: 'Web', changedFields: ['phone'] });
		const [[hard]] = await run({ resource: 'lead', operation: 'update', lead: rl(lead.id), overwrite: true, updateFields: { name: 'Replace', stage: { mode: 'name', value: 'Qualified' } } });
		expect(hard.json).toMatchObject({ name: 'Replace', stage: { name: 'Qualified' } });
		expect(hard.json.changedFields).toEqual(['name', 'stage']);
	});

	it('logs an activity, which becomes the last activity', async () => {
		const lead = await store.transaction((t) => t.createLead({ name: 'Caller' }));
		const [[logged]] = await run({ resource: 'lead', operation: 'logActivity', lead: rl(lead.id), kind: 'call', direction: 'outbound', additionalFields: { details: 'left a voicemail' } });
		expect(logged.json).toMatchObject({ kind: 'call', direction: 'outbound', details: 'left a voicemail', lead: { lastActivityKind: 'call', episode: 2 } });
	});

	it('deletes a lead', async () => {
		const lead = await store.transaction((t) => t.createLead({ name: 'Bye' }));
		const [[out]] = await run({ resource: 'lead', operation: 'delete', lead: rl(lead.id) });
		expect(out.json).toEqual({ id: lead.id, deleted: true });
		expect(await store.read((t) => t.findLead(lead.id))).toBeNull();
	});

	it('manages stages and team members', async () => {
		const [[stage]] = await run({ resource: 'stage', operation: 'create', name: 'Proposal', kind: 'open', position: 4 });
		expect(stage.json).toMatchObject({ name: 'Proposal', position: 4 });
		await run({ resource: 'stage', operation: 'update', stage: rl('Proposal', 'name'), updateFields: { name: 'Proposal sent' } });
		const [order] = await run({ resource: 'stage', operation: 'reorder', order: 'Proposal sent, New' });
		expect(order.slice(0, 2).map((s) => s.json.name)).toEqual(['Proposal sent', 'New']);
		const [listed] = await run({ resource: 'stage', operation: 'getMany' });
		expect(listed.map((s) => s.json.name)).toContain('Proposal sent');

		const [[member]] = await run({ resource: 'member', operation: 'create', name: 'Bo', email: 'bo@example.com', active: true });
		await run({ resource: 'member', operation: 'update', member: rl('bo@example.com', 'email'), updateFields: { active: false } });
		const [active] = await run({ resource: 'member', operation: 'getMany', activeOnly: true });
		expect(active.map((m) => m.json.id)).not.toContain(member.json.id);
	});

	describe('bad input', () => {
		const createParams = (email: Param, name: Param = 'Someone') => ({ resource: 'lead', operation: 'create', name, email, phone: '', additionalFields: {} });

		it('fails the whole run on a bad item, naming item and field, writing nothing', async () => {
			const before = await leadCount();
			const error = await run(createParams((i: number) => (i === 1 ? 'not-an-email' : `ok${i}@example.com`)), [{}, {}, {}]).catch((e) => e);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toMatch(/^Item 1, field "email": email "not-an-email" is not a valid email address/);
			expect(await leadCount()).toBe(before);
		});

		it('with continue on fail, a bad item becomes an error item and only its writes are undone', async () => {
			const before = await leadCount();
			const [out] = await run(createParams((i: number) => (i === 1 ? 'bad@' : `cof${i}@example.com`)), [{}, {}, {}], true);
			expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(out[1].json).toMatchObject({ field: 'email' });
			expect(out[1].json.error).toMatch(/Item 1, field "email"/);
			expect(await leadCount()).toBe(before + 2);
		});

		it.each([
			['an unknown lead id', { resource: 'lead', operation: 'get', lead: rl(999999) }, /Item 0, field "lead": lead: no lead with id 999999/],
			['a lead id that is not a number', { resource: 'lead', operation: 'get', lead: rl('abc') }, /field "lead": lead must be a lead id/],
			['an unknown stage name', { resource: 'lead', operation: 'create', name: 'X', email: '', phone: '', additionalFields: { stage: { mode: 'name', value: 'Negotiation' } } }, /field "stage": stage: no stage "Negotiation"; the stages are .*\bNew\b/],
			['an unknown owner', { resource: 'lead', operation: 'create', name: 'X', email: '', phone: '', additionalFields: { owner: { mode: 'id', value: '424242' } } }, /field "owner": owner: no team member with id 424242/],
			['an over-long name', { resource: 'lead', operation: 'create', name: 'x'.repeat(201), email: '', phone: '', additionalFields: {} }, /field "name": name is 201 characters long; the limit is 200/],
			['a lead with no name, email or phone', { resource: 'lead', operation: 'create', name: '', email: '', phone: '', additionalFields: {} }, /field "name": a lead needs at least a name, an email or a phone number/],
			['an unknown priority', { resource: 'lead', operation: 'create', name: 'X', email: '', phone: '', additionalFields: { priority: 'asap' } }, /field "priority": priority must be one of low, normal, high, urgent/],
			['custom fields that are not JSON', { resource: 'lead', operation: 'create', name: 'X', email: '', phone: '', additionalFields: { custom: '{oops' } }, /field "custom": custom must be a JSON object/],
			['an unknown activity kind', { resource: 'lead', operation: 'logActivity', lead: () => rl(someLead), kind: 'fax', direction: 'outbound', additionalFields: {} }, /field "kind": kind must be one of call, email, meeting, other, sms; got "fax"/],
			['an invalid activity date', { resource: 'lead', operation: 'logActivity', lead: () => rl(someLead), kind: 'call', direction: 'outbound', additionalFields: { at: 'yesterday-ish' } }, /field "at": at is not a valid date/],
			['a duplicate stage name', { resource: 'stage', operation: 'create', name: 'new', kind: 'open', position: 0 }, /field "name": a stage named "new" exists already/],
		])('refuses %s', async (_what, params, message) => {
			const before = await store.read(async (t) => ({ leads: (await t.findLeads({ limit: 1000 })).items.length, stages: (await t.listStages()).length }));
			const error = await run(params as Record<string, Param>).catch((e) => e);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toMatch(message);
			const after = await store.read(async (t) => ({ leads: (await t.findLeads({ limit: 1000 })).items.length, stages: (await t.listStages()).length }));
			expect(after).toEqual(before);
		});

		it('stores text full of SQL syntax literally, in every text field', async () => {
			const evil = `Robert'); DROP TABLE leads;-- "x" \\ % _ $1 ?1`;
			const [[created]] = await run({
				resource: 'lead',
				operation: 'create',
				name: evil,
				email: '',
				phone: evil.slice(0, 50),
				additionalFields: { source: evil, type: evil, gender: evil.slice(0, 50), custom: { field: [{ name: 'note', value: evil }] } },
			});
			expect(created.json).toMatchObject({ name: evil, source: evil, type: evil, custom: { note: evil } });
			await run({ resource: 'lead', operation: 'logActivity', lead: rl(created.json.id as number), kind: 'other', direction: 'inbound', additionalFields: { details: evil } });
			const [found] = await run({ resource: 'lead', operation: 'getMany', returnAll: true, filters: { source: evil } });
			expect(found.map((f) => f.json.id)).toEqual([created.json.id]);
			// A LIKE wildcard in a filter matches itself only.
			const [wild] = await run({ resource: 'lead', operation: 'getMany', returnAll: true, filters: { source: '%' } });
			expect(wild).toHaveLength(0);
			const [[stage]] = await run({ resource: 'stage', operation: 'create', name: evil.slice(0, 100), kind: 'open', position: 0 });
			expect(stage.json.name).toBe(evil.slice(0, 100));
			expect(await leadCount()).toBeGreaterThan(0);
		});
	});
});

describe('an unreachable store', () => {
	const create = { resource: 'lead', operation: 'create', name: 'X', email: '', phone: '', additionalFields: {} };

	it('says which SQLite path cannot be opened', async () => {
		// A folder that cannot exist: its parent is a plain file.
		const blocker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lead-')), 'a-file');
		fs.writeFileSync(blocker, '');
		const file = path.join(blocker, 'leads.sqlite');
		const error = await runNode(node, { params: create, credentials: { backend: 'sqlite', file } }).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain(`Cannot open the SQLite lead store at ${file}`);
		expect(fs.existsSync(file)).toBe(false);
	});

	it('says PostgreSQL is down, with host and port', async () => {
		const credentials = { backend: 'postgres', host: '127.0.0.1', port: 1, database: 'test', user: 'postgres', password: '', schema: 'x', ssl: 'disable' };
		const error = await runNode(node, { params: create, credentials }).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/Cannot reach PostgreSQL test@127\.0\.0\.1:1 schema x: connection refused/);
	});
});
