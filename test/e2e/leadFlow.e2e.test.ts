// The package in a real n8n 2.41.1, installed as users install it: a Manual Trigger → Lead:
// create → Lead: get workflow run by `n8n execute`, on an embedded SQLite store.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { openLeadStore, type LeadStore } from '../../core';
import { executeWorkflow, importWorkflow, START_WITH_PACKAGE_TIMEOUT_MS, startN8nWithPackage, type PackageInstance } from './harness';

jest.setTimeout(180_000);

const LEAD = 'n8n-nodes-lead-management.lead';
let instance: PackageInstance;
let storeFile: string;
let credential: { id: string; name: string };

beforeAll(async () => {
	instance = await startN8nWithPackage();
	storeFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lead-e2e-')), 'leads.sqlite');
	credential = await instance.api.createCredential('leadStoreApi', 'Leads (e2e)', { backend: 'sqlite', file: storeFile });
}, START_WITH_PACKAGE_TIMEOUT_MS);

afterAll(async () => {
	await instance?.stop();
	fs.rmSync(path.dirname(storeFile), { recursive: true, force: true });
});

const node = (name: string, type: string, parameters: object, x: number, withCredential = true) => ({
	id: name.replace(/\W/g, '-').toLowerCase(),
	name,
	type,
	typeVersion: 1,
	position: [x, 0],
	parameters,
	...(withCredential ? { credentials: { leadStoreApi: credential } } : {}),
});

const chain = (...names: string[]) =>
	Object.fromEntries(names.slice(0, -1).map((from, i) => [from, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]));

test('Manual Trigger → Lead: create → Lead: get runs and the lead is in the store', async () => {
	const workflow = {
		name: 'create and get a lead',
		nodes: [
			node('Start', 'n8n-nodes-base.manualTrigger', {}, 0, false),
			node('Create Lead', LEAD, { resource: 'lead', operation: 'create', name: 'Grace Hopper', email: 'Grace@Example.com', phone: '', additionalFields: { source: 'Conference', priority: 'high' } }, 200),
			node('Get Lead', LEAD, { resource: 'lead', operation: 'get', lead: { __rl: true, mode: 'id', value: '={{ $json.id }}' } }, 400),
		],
		connections: chain('Start', 'Create Lead', 'Get Lead'),
		settings: {},
	};
	const id = await importWorkflow(instance.userFolder, workflow);
	const result = await executeWorkflow(instance.userFolder, id);
	expect(result.status).toBe('success');
	const out = result.run.data.resultData.runData['Get Lead'][0].data.main[0];
	expect(out).toHaveLength(1);
	expect(out[0].json).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.com', source: 'Conference', priority: 'high', stage: { name: 'New', kind: 'open' } });

	const store: LeadStore = await openLeadStore({ backend: 'sqlite', file: storeFile });
	try {
		const lead = await store.read((t) => t.getLead(out[0].json.id));
		expect(lead.name).toBe('Grace Hopper');
		const events = await store.read((t) => t.readEvents({ after: 0 }));
		expect(events.map((e) => e.type)).toEqual(['lead.created']);
		expect(events[0].actor).toMatchObject({ kind: 'workflow', workflowId: id, node: 'Create Lead' });
	} finally {
		await store.close();
	}
});

test('a bad item fails the execution with the item and field named, writing nothing', async () => {
	const workflow = {
		name: 'bad email',
		nodes: [
			node('Start', 'n8n-nodes-base.manualTrigger', {}, 0, false),
			node('Create Lead', LEAD, { resource: 'lead', operation: 'create', name: 'Bad', email: 'not-an-email', phone: '', additionalFields: {} }, 200),
		],
		connections: chain('Start', 'Create Lead'),
		settings: {},
	};
	const id = await importWorkflow(instance.userFolder, workflow);
	const result = await executeWorkflow(instance.userFolder, id);
	expect(result.status).toBe('error');
	expect(result.run.data.resultData.error.message).toBe('Item 0, field "email": email "not-an-email" is not a valid email address');
	const store = await openLeadStore({ backend: 'sqlite', file: storeFile });
	try {
		expect((await store.read((t) => t.findLeads())).items.map((l) => l.name)).not.toContain('Bad');
	} finally {
		await store.close();
	}
});

test('a workflow using all four actions leaves the note, the task, the new stage and the owner in the store', async () => {
	const setup = await openLeadStore({ backend: 'sqlite', file: storeFile });
	let members;
	try {
		members = await setup.transaction(async (t) => [await t.createMember({ name: 'Ana', email: 'ana@e2e.test' }), await t.createMember({ name: 'Bo', email: 'bo@e2e.test' })]);
	} finally {
		await setup.close();
	}
	const workflow = {
		name: 'all four actions',
		nodes: [
			node('Start', 'n8n-nodes-base.manualTrigger', {}, 0, false),
			node('Create Lead', LEAD, { resource: 'lead', operation: 'create', name: 'Alan Turing', email: 'alan@example.com', phone: '', additionalFields: { source: 'Facebook Ads' } }, 200),
			// The steps take the lead from the incoming item: their lead parameter keeps its default.
			node('Note', 'n8n-nodes-lead-management.createLeadNote', { content: '=Came in from {{ $json.source }}', pinned: true }, 400),
			node('Task', 'n8n-nodes-lead-management.createLeadTask', { type: 'call', description: 'Call back', due: 'after', dueAmount: 2, dueUnit: 'days', assignTo: 'none', priority: 'high' }, 600),
			node('Stage', 'n8n-nodes-lead-management.updateLeadStage', { stage: { __rl: true, mode: 'name', value: 'Qualified' } }, 800),
			node('Assign', 'n8n-nodes-lead-management.assignLead', {
				mode: 'roundRobin',
				poolName: 'Facebook Ads',
				poolMembers: { members: members.map((m) => ({ member: { __rl: true, mode: 'id', value: String(m.id) }, weight: 1 })) },
			}, 1000),
		],
		connections: chain('Start', 'Create Lead', 'Note', 'Task', 'Stage', 'Assign'),
		// "2 days after" counts calendar days in the workflow's timezone.
		settings: { timezone: 'Europe/Berlin' },
	};
	const id = await importWorkflow(instance.userFolder, workflow);
	const result = await executeWorkflow(instance.userFolder, id);
	expect(result.status).toBe('success');
	const assigned = result.run.data.resultData.runData['Assign'][0].data.main[0][0].json;
	expect(assigned.member).toMatchObject({ id: members[0].id });

	const store = await openLeadStore({ backend: 'sqlite', file: storeFile });
	try {
		const leadId = assigned.lead.id;
		const lead = await store.read((t) => t.getLead(leadId));
		expect(lead).toMatchObject({ name: 'Alan Turing', stage: { name: 'Qualified' }, owner: { id: members[0].id, name: 'Ana' } });
		const notes = await store.read((t) => t.listNotes(leadId));
		expect(notes).toMatchObject([{ content: 'Came in from Facebook Ads', pinned: true }]);
		const tasks = await store.read((t) => t.listTasks(leadId));
		expect(tasks).toMatchObject([{ type: 'call', description: 'Call back', priority: 'high', assigneeId: null, status: 'open' }]);
		const due = DateTime.fromMillis(tasks[0].createdAt, { zone: 'Europe/Berlin' }).plus({ days: 2 }).toMillis();
		expect(tasks[0].dueAt).toBe(due);
		const history = await store.read((t) => t.listAssignments(leadId));
		expect(history).toMatchObject([{ member: { id: members[0].id }, pool: { name: 'Facebook Ads' }, mode: 'round_robin' }]);
	} finally {
		await store.close();
	}
});
