/**
 * The output schemas the editor previews (GET /schemas/<package>.<node>/1.0.0[/<resource>/<operation>].json,
 * served by n8n from `__schema__` beside each built node), derived from what each node really
 * outputs: every operation runs its real execute() (triggers: their real manual run) on a real
 * SQLite store, and the committed files under nodes/<Node>/__schema__ must equal the derived
 * schemas. `UPDATE_SCHEMAS=1 jest test/nodes/outputSchemas.test.ts` rewrites them after an output
 * changes. The build copies them into dist/ (gulp build:schemas).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IDataObject, INodePropertyOptions, INodeType } from 'n8n-workflow';
import { DAY_MS, openLeadStore, type LeadStore } from '../../core';
import { AssignLead } from '../../nodes/AssignLead/AssignLead.node';
import { CreateLeadNote } from '../../nodes/CreateLeadNote/CreateLeadNote.node';
import { CreateLeadTask } from '../../nodes/CreateLeadTask/CreateLeadTask.node';
import { Lead } from '../../nodes/Lead/Lead.node';
import { LeadCreatedTrigger } from '../../nodes/LeadCreatedTrigger/LeadCreatedTrigger.node';
import { LeadStatusChangedTrigger } from '../../nodes/LeadStatusChangedTrigger/LeadStatusChangedTrigger.node';
import { StaleLeadTrigger } from '../../nodes/StaleLeadTrigger/StaleLeadTrigger.node';
import { LeadTrigger } from '../../nodes/LeadTrigger/LeadTrigger.node';
import { UpdateLeadStage } from '../../nodes/UpdateLeadStage/UpdateLeadStage.node';
import { CreateOpportunity } from '../../nodes/CreateOpportunity/CreateOpportunity.node';
import { UpdateOpportunity } from '../../nodes/UpdateOpportunity/UpdateOpportunity.node';
import { OpportunityTrigger } from '../../nodes/OpportunityTrigger/OpportunityTrigger.node';
import { SendWindow } from '../../nodes/SendWindow/SendWindow.node';
import { closeAllStores } from '../../nodes/shared/storeFromCredential';
import { credentialsFor, rl, runNode, type Param } from '../support/nodeHarness';
import { schemaOfItems } from '../support/outputSchema';
import { runManual } from '../support/triggerHarness';

const root = path.resolve(__dirname, '../..');
const update = process.env.UPDATE_SCHEMAS === '1';
const VERSION_DIR = 'v1.0.0';

/**
 * Where n8n looks, as the editor builds the URL from the node's resource and operation values
 * (either may be absent): nodes/<Node>/__schema__/v1.0.0.json, .../v1.0.0/<resource>/<operation>.json,
 * or .../v1.0.0/<operation>.json (a node with a hidden operation, as n8n's send-and-wait nodes have).
 */
const schemaFile = (nodeDir: string, resource?: string, operation?: string) => {
	const parts = [resource, operation].filter((p): p is string => Boolean(p));
	return path.join(root, 'nodes', nodeDir, '__schema__', parts.length ? path.join(VERSION_DIR, ...parts.slice(0, -1), `${parts.at(-1)}.json`) : `${VERSION_DIR}.json`);
};

/** The resource and operation a node of this type has without any choice made: its top-level defaults. */
const defaultsOf = (node: INodeType) =>
	(['resource', 'operation'] as const).map((name) => {
		const p = node.description.properties.find((q) => q.name === name && !q.displayOptions);
		return p ? String(p.default) : undefined;
	}) as [string | undefined, string | undefined];

let dir: string;
let store: LeadStore;
let credentials: IDataObject;
let leadId: number;
let memberId: number;

beforeAll(async () => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-schemas-'));
	const config = { backend: 'sqlite' as const, file: path.join(dir, 'leads.sqlite') };
	store = await openLeadStore(config);
	credentials = credentialsFor(config);
	const member = await store.transaction((t) => t.createMember({ name: 'Ana', email: 'ana@example.com' }));
	memberId = member.id;
	// A lead with every field set, so no output field is only ever null.
	leadId = (
		await store.transaction((t) =>
			t.createLead({ name: 'Ada Lovelace', email: 'ada@example.com', phone: '+44 20 7946 0000', source: 'Web', type: 'Inbound', priority: 'high', gender: 'female', custom: { budget: '5000' } }),
		)
	).id;
	await store.transaction((t) => t.assignLead(leadId, { mode: 'member', member: member.id }));
	// An opportunity with every field set, for the opportunity operations.
	opportunityId = (
		await store.transaction((t) =>
			t.createOpportunity(leadId, { amount: '1250.50', currency: 'EUR', confidence: 60, expectedCloseDate: '2026-06-30', note: 'Pilot', custom: { plan: 'pro' } }),
		)
	).opportunity.id;
});
let opportunityId: number;
let opportunityToDelete = 0;

afterAll(async () => {
	await closeAllStores();
	await store.close();
	fs.rmSync(dir, { recursive: true, force: true });
});

const lead = () => rl(leadId);

/** Parameters that make each Lead operation output something real. */
const leadOperations: Record<string, Record<string, () => Record<string, Param>>> = {
	lead: {
		create: () => ({ name: 'Grace Hopper', email: 'grace@example.com', phone: '+1 555 0100', additionalFields: { source: 'Referral', priority: 'urgent', custom: { field: [{ name: 'plan', value: 'pro' }] } } }),
		get: () => ({ lead: lead() }),
		getMany: () => ({ returnAll: true, filters: {} }),
		update: () => ({ lead: lead(), overwrite: true, updateFields: { source: 'Web' } }),
		logActivity: () => ({ lead: lead(), kind: 'call', direction: 'outbound', additionalFields: { details: 'left a voicemail' } }),
		getAssignments: () => ({ lead: lead() }),
		getNotes: () => ({ lead: lead() }),
		getTasks: () => ({ lead: lead(), taskStatus: 'any' }),
		delete: () => ({ lead: rl(String(leadToDelete)) }),
	},
	stage: {
		getMany: () => ({}),
		create: () => ({ name: 'Proposal', kind: 'open', position: 2 }),
		update: () => ({ stage: rl('Proposal', 'name'), updateFields: { name: 'Proposal sent' } }),
		reorder: () => ({ order: 'New, Contacted' }),
	},
	opportunity: {
		get: () => ({ opportunity: rl(opportunityId) }),
		getMany: () => ({ returnAll: true, opportunityFilters: { lead: lead() } }),
		delete: () => ({ opportunity: rl(opportunityToDelete) }),
	},
	opportunityStatus: {
		getMany: () => ({}),
		create: () => ({ name: 'Proposal', kind: 'active', position: 2 }),
		update: () => ({ status: rl('Proposal', 'name'), statusUpdateFields: { name: 'Proposal sent' } }),
		reorder: () => ({ statusOrder: 'Active, Won' }),
	},
	task: {
		complete: () => ({ taskId: String(taskId), closedBy: rl(String(memberId)) }),
		cancel: () => ({ taskId: String(taskId), closedBy: rl('') }),
		skip: () => ({ taskId: String(taskId), closedBy: rl('') }),
		get: () => ({ taskId: String(taskId) }),
		getMany: () => ({ returnAll: true, taskFilters: { leadId: String(leadId), status: 'any' } }),
	},
	member: {
		getMany: () => ({ activeOnly: false }),
		create: () => ({ name: 'Bo', email: 'bo@example.com', active: true }),
		update: () => ({ member: rl(String(memberId)), updateFields: { name: 'Ana B.' } }),
	},
};
let leadToDelete = 0;
let taskId = 0;

/** The action nodes without resources: parameters for one real run each. */
const actionNodes: Array<[string, INodeType, () => Record<string, Param>]> = [
	['CreateLeadNote', new CreateLeadNote(), () => ({ lead: lead(), content: 'Called back', pinned: true })],
	['CreateLeadTask', new CreateLeadTask(), () => ({ lead: lead(), type: 'call', description: 'Call back', due: 'after', dueAmount: 1, dueUnit: 'days', assignTo: 'owner', priority: 'normal', required: true })],
	['UpdateLeadStage', new UpdateLeadStage(), () => ({ lead: lead(), stage: rl('Contacted', 'name'), options: {} })],
	[
		'CreateOpportunity',
		new CreateOpportunity(),
		() => ({ lead: lead(), value: '980', ownerMode: 'leadOwner', additionalFields: { currency: 'USD', confidence: 40, closeInDays: 30, note: 'Upsell', custom: { field: [{ name: 'plan', value: 'team' }] } } }),
	],
	['UpdateOpportunity', new UpdateOpportunity(), () => ({ lead: lead(), opportunity: 'oldest', updateFields: { status: rl('Won', 'name'), value: '1300' }, overwrite: true })],
	[
		'SendWindow',
		new SendWindow(),
		() => ({ windowName: 'Always open', hours: { open: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }] }, windowTimezone: 'UTC', blackouts: {}, timezoneFrom: 'window' }),
	],
	['AssignLead', new AssignLead(), () => ({ lead: lead(), mode: 'roundRobin', poolName: 'Inbound', poolMembers: { members: [{ member: rl(String(memberId)), weight: 1 }] }, reassign: true, whenAssigned: 'overwrite' })],
];

function check(file: string, items: IDataObject[]) {
	const derived = `${JSON.stringify(schemaOfItems(items), null, '\t')}\n`;
	if (update) {
		fs.mkdirSync(path.dirname(file), { recursive: true });
		fs.writeFileSync(file, derived);
	}
	expect(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `missing ${path.relative(root, file)}`).toBe(derived);
}

describe('Lead: one schema per resource and operation', () => {
	const node = new Lead();
	const offered = node.description.properties
		.filter((p) => p.name === 'operation')
		.flatMap((p) => ((p.displayOptions?.show?.resource ?? []) as string[]).flatMap((r) => (p.options as INodePropertyOptions[]).map((o) => [r, String(o.value)])));

	it('has sample parameters for every operation the node offers', () => {
		const sampled = Object.entries(leadOperations).flatMap(([r, ops]) => Object.keys(ops).map((o) => [r, o]));
		expect(sampled.map((p) => p.join(':')).sort()).toEqual(offered.map((p) => p.join(':')).sort());
	});

	it.each(offered)('%s / %s', async (resource, operation) => {
		if (resource === 'lead' && operation === 'getNotes') await store.transaction((t) => t.createNote(leadId, { content: 'First call went well', pinned: false }));
		if (resource === 'lead' && operation === 'getTasks') await runNode(new CreateLeadTask(), { params: actionNodes[1][2](), credentials });
		if (resource === 'lead' && operation === 'delete') leadToDelete = (await store.transaction((t) => t.createLead({ name: 'To delete' }))).id;
		if (resource === 'task' && operation !== 'getMany') taskId = (await store.transaction((t) => t.createTask(leadId, { type: 'call', description: 'Call back', assignee: { kind: 'owner' } }))).task.id;
		if (resource === 'opportunity' && operation === 'delete') opportunityToDelete = (await store.transaction((t) => t.createOpportunity(leadId, {}))).opportunity.id;
		const [out] = await runNode(node, { params: { resource, operation, ...leadOperations[resource][operation]() }, credentials });
		check(schemaFile('Lead', resource, operation), out.map((o) => o.json));
	});
});

describe('action nodes: one schema each', () => {
	it.each(actionNodes)('%s', async (dirName, node, params) => {
		const [out] = await runNode(node, { params: params(), credentials });
		check(schemaFile(dirName, ...defaultsOf(node)), out.map((o) => o.json));
	});
});

describe('triggers: the schema of their manual-run item', () => {
	const ids = { workflowId: 'wf-schemas', nodeId: 'n-schemas' };
	it('LeadCreatedTrigger', async () => {
		const manual = await runManual(new LeadCreatedTrigger(), { credentials, ...ids, params: {} });
		check(schemaFile('LeadCreatedTrigger'), (await manual.result)![0].map((o) => o.json));
	});
	it('LeadTrigger (its default event, Lead Created, on the same latest lead)', async () => {
		const manual = await runManual(new LeadTrigger(), { credentials, ...ids, params: { event: 'leadCreated' } });
		check(schemaFile('LeadTrigger'), (await manual.result)![0].map((o) => o.json));
	});
	it('LeadStatusChangedTrigger', async () => {
		const contacted = String((await store.read((t) => t.listStages())).find((s) => s.name === 'Qualified')!.id);
		await store.transaction((t) => t.changeStage(leadId, contacted, {}, { actor: { kind: 'person', name: 'Ana' } }));
		const manual = await runManual(new LeadStatusChangedTrigger(), { credentials, ...ids, params: {} });
		check(schemaFile('LeadStatusChangedTrigger'), (await manual.result)![0].map((o) => o.json));
	});
	it('OpportunityTrigger (status changed)', async () => {
		await store.transaction((t) => t.updateOpportunity(leadId, { id: opportunityId }, { status: 'Lost' }, {}, { actor: { kind: 'person', name: 'Ana' } }));
		const manual = await runManual(new OpportunityTrigger(), { credentials, ...ids, params: { event: 'opportunityStatusChanged', toStatuses: ['any'] } });
		check(schemaFile('OpportunityTrigger'), (await manual.result)![0].map((o) => o.json));
	});
	it('StaleLeadTrigger', async () => {
		await store.driver.transaction((s) => s.run('UPDATE leads SET last_activity_at = $1 WHERE id = $2', [Date.now() - 4 * DAY_MS, leadId]));
		const open = (await store.read((t) => t.listStages())).filter((s) => s.kind === 'open').map((s) => String(s.id));
		const manual = await runManual(new StaleLeadTrigger(), { credentials, ...ids, params: { stages: open, minDays: 3 } });
		check(schemaFile('StaleLeadTrigger'), (await manual.result)![0].map((o) => o.json));
	});
});
