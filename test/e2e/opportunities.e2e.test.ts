// Opportunities in a real n8n 2.41.1, installed as users install it, on an embedded SQLite store.
// Two published workflows: Lead Status Changed (to Qualified) → Create Opportunity, its value
// from the lead's custom field; and Opportunity Trigger (status changed to Won) → Update Lead
// Stage (to Won). Moving a lead to Qualified and then marking its opportunity won (from another
// process, the test's own store) leaves the lead in Won, each workflow having run exactly once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openLeadStore, type LeadStore } from '../../core';
import { START_WITH_PACKAGE_TIMEOUT_MS, startN8nWithPackage, sleep, type Execution, type PackageInstance } from './harness';

jest.setTimeout(240_000);

const PKG = 'n8n-nodes-lead-management';
/** After the expected executions, this long with no more proves "once". */
const SETTLE_MS = 3_000;

let instance: PackageInstance;
let storeFile: string;
let store: LeadStore;
let credential: { id: string; name: string };

beforeAll(async () => {
	instance = await startN8nWithPackage();
	storeFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lead-e2e-opportunities-')), 'leads.sqlite');
	store = await openLeadStore({ backend: 'sqlite', file: storeFile });
	credential = await instance.api.createCredential('leadStoreApi', 'Leads (opportunity e2e)', { backend: 'sqlite', file: storeFile, defaultCurrency: 'EUR' });
}, START_WITH_PACKAGE_TIMEOUT_MS);

afterAll(async () => {
	await store?.close();
	await instance?.stop();
	if (storeFile) fs.rmSync(path.dirname(storeFile), { recursive: true, force: true });
}, 60_000);

const node = (name: string, type: string, parameters: object, x: number) => ({
	id: `${name.replace(/\W/g, '-').toLowerCase()}-id`,
	name,
	type: `${PKG}.${type}`,
	typeVersion: 1,
	position: [x, 0],
	parameters,
	credentials: { leadStoreApi: credential },
});

function twoSteps(name: string, trigger: ReturnType<typeof node>, action: ReturnType<typeof node>) {
	return { name, nodes: [trigger, action], connections: { [trigger.name]: { main: [[{ node: action.name, type: 'main', index: 0 }]] } }, settings: {} };
}

/** Publishes and waits until the trigger has started (its subscription row appears in the store). */
async function publish(workflowId: string, nodeId: string, timeoutMs = 30_000) {
	await instance.api.activate(workflowId);
	const deadline = Date.now() + timeoutMs;
	const started = () => store.driver.transaction((s) => s.get('SELECT id FROM subscriptions WHERE workflow_id = $1 AND node_id = $2', [workflowId, nodeId]));
	while (!(await started())) {
		if (Date.now() > deadline) throw new Error(`the trigger of workflow ${workflowId} did not start within ${timeoutMs} ms`);
		await sleep(50);
	}
}

/** Waits for `count` executions, then SETTLE_MS more; there must be exactly `count`, all successful. */
async function exactly(workflowId: string, count: number): Promise<Execution[]> {
	try {
		await instance.api.waitForExecutions(workflowId, count, 30_000);
	} catch (error) {
		throw new Error(`${(error as Error).message}\nn8n log tail:\n${instance.n8n.logText().split('\n').slice(-40).join('\n')}`);
	}
	await sleep(SETTLE_MS);
	const all = await instance.api.listExecutions(workflowId, true);
	expect(all.map((e) => `${e.mode}:${e.status}`)).toEqual(all.map(() => 'trigger:success'));
	expect(all).toHaveLength(count);
	return all;
}

const stageId = async (name: string) => String((await store.read((t) => t.listStages())).find((s) => s.name === name)!.id);
const statusId = async (name: string) => String((await store.read((t) => t.listOpportunityStatuses())).find((s) => s.name === name)!.id);

test('qualified → an opportunity from the lead\'s budget; opportunity won → the lead is Won; each workflow once', async () => {
	const qualify = node('Lead Qualified', 'leadStatusChangedTrigger', { toStages: [await stageId('Qualified')] }, 0);
	const createOpportunity = node(
		'Create Opportunity',
		'createOpportunity',
		{ value: '={{ $json.lead.custom.budget }}', ownerMode: 'leadOwner', additionalFields: { confidence: 50, closeInDays: 30 } },
		220,
	);
	const won = node('Opportunity Won', 'opportunityTrigger', { event: 'opportunityStatusChanged', toStatuses: [await statusId('Won')] }, 0);
	const markLeadWon = node('Update Lead Stage', 'updateLeadStage', { stage: { __rl: true, mode: 'name', value: 'Won' }, options: {} }, 220);

	const first = await instance.api.createWorkflow(twoSteps('qualified → opportunity', qualify, createOpportunity));
	const second = await instance.api.createWorkflow(twoSteps('opportunity won → lead won', won, markLeadWon));
	await publish(first.id, qualify.id);
	await publish(second.id, won.id);

	const lead = await store.transaction((t) => t.createLead({ name: 'Ada', custom: { budget: '4200.50' } }));
	await store.transaction((t) => t.changeStage(lead.id, 'Contacted'));
	await store.transaction((t) => t.changeStage(lead.id, 'Qualified'));

	const [created] = await exactly(first.id, 1);
	const opportunityItem = created.data.resultData.runData['Create Opportunity'][0].data.main[0][0].json;
	expect(opportunityItem).toMatchObject({ leadId: lead.id, value: 420050, amount: 4200.5, currency: 'EUR', status: { name: 'Active' }, confidence: 50 });
	const [opportunity] = (await store.read((t) => t.findOpportunities({ leadId: lead.id }))).items;
	expect(opportunity).toMatchObject({ id: opportunityItem.id, value: 420050, currency: 'EUR' });
	// Creating the opportunity did not count as lead activity.
	expect((await store.read((t) => t.getLead(lead.id))).lastActivityKind).toBe('stage_change');

	await store.transaction((t) => t.updateOpportunity(lead.id, { id: opportunity.id }, { status: 'Won' }, {}, { actor: { kind: 'person', name: 'Ana' } }));
	const [moved] = await exactly(second.id, 1);
	expect(moved.data.resultData.runData['Opportunity Won'][0].data.main[0][0].json).toMatchObject({
		opportunity: { id: opportunity.id, status: { name: 'Won', kind: 'won' } },
		lead: { id: lead.id },
		previousStatus: { name: 'Active' },
		newStatus: { name: 'Won' },
		changedBy: { kind: 'person', name: 'Ana' },
	});
	expect(moved.data.resultData.runData['Update Lead Stage'][0].data.main[0][0].json).toMatchObject({ changed: true, newStage: { name: 'Won' } });
	expect((await store.read((t) => t.getLead(lead.id))).stage).toMatchObject({ name: 'Won', kind: 'won' });
	// The lead's move to Won did not run the first workflow again.
	expect(await instance.api.listExecutions(first.id, true)).toHaveLength(1);
	expect(await instance.api.listExecutions(second.id, true)).toHaveLength(1);
});
