// The example workflows (examples/*.json) in a real n8n 2.41.1 with the package installed as users
// install it: each imports as it is, through the public API, with every node known to n8n; and
// those that need no outside account run end to end, set up the way `npm start` sets them up
// (scripts/lib/leadDesk.js), with the waits shortened from hours to seconds.
import path from 'node:path';
import { openLeadStore, type LeadStore } from '../../core';
import { loadExamples, needsOutsideAccount } from '../../scripts/lib/examples';
import { DEMO_POOL, DEMO_TEAM, ensureExamples, seedStore, type DeskWorkflow, type ExampleFile } from '../../scripts/lib/leadDesk';
import { repoRoot, START_WITH_PACKAGE_TIMEOUT_MS, startN8nWithPackage, type PackageInstance } from './harness';

jest.setTimeout(180_000);

const examples = loadExamples();
let instance: PackageInstance;

beforeAll(async () => {
	instance = await startN8nWithPackage();
}, START_WITH_PACKAGE_TIMEOUT_MS);

afterAll(async () => {
	await instance?.stop();
});

test('there are the four examples of the tour, each with sticky notes', () => {
	expect(examples.map((e) => e.file)).toEqual([
		'1-capture-leads-from-a-form.json',
		'2-speed-to-lead.json',
		'3-re-engage-stale-leads.json',
		'4-qualified-lead-handoff.json',
	]);
	for (const { workflow } of examples) expect(workflow.nodes.some((n) => n.type === 'n8n-nodes-base.stickyNote')).toBe(true);
});

test.each(examples.map((e) => [e.file, e] as const))('%s imports as it is, every node type known to n8n', async (_file, example) => {
	const known = new Set(await instance.api.nodeTypes());
	const unknown = example.workflow.nodes.map((n) => n.type).filter((type) => !known.has(type));
	expect(unknown).toEqual([]);
	// Its own name: the end-to-end runs below import the same files the way npm start does.
	const created = await instance.api.createWorkflow({ ...example.workflow, name: `${example.workflow.name} (as is)` });
	const stored = await instance.api.getWorkflow(created.id);
	expect(stored.nodes.map((n: { name: string }) => n.name).sort()).toEqual(example.workflow.nodes.map((n) => n.name).sort());
	expect(stored.connections).toEqual(example.workflow.connections);
});

describe('run end to end, as npm start sets them up', () => {
	let store: LeadStore;
	let desk: DeskWorkflow[];
	const sqliteFile = () => path.join(instance.userFolder, '.n8n', 'lead-management.sqlite');
	const byFile = (file: string) => desk.find((w) => w.file === file)!;

	beforeAll(async () => {
		const data = { backend: 'sqlite' as const, file: '' };
		await seedStore({ packageDir: repoRoot, userFolder: instance.userFolder, data });
		const credential = await instance.api.createCredential('leadStoreApi', 'Lead Store', data);
		desk = await ensureExamples(instance.api, credential, examples.map(withShortWaits));
		store = await openLeadStore({ backend: 'sqlite', file: sqliteFile() });
	});

	afterAll(async () => {
		await store?.close();
	});

	test('the ones that need no outside account are published; re-engage waits for an SMTP credential', () => {
		expect(desk.map((w) => [w.file, w.published, w.needs])).toEqual([
			['1-capture-leads-from-a-form.json', true, []],
			['2-speed-to-lead.json', true, []],
			['3-re-engage-stale-leads.json', false, ['smtp']],
			['4-qualified-lead-handoff.json', true, []],
		]);
	});

	test('a form sent from Facebook Ads becomes a lead, gets a Sales owner and a call task, and is reassigned when nobody calls', async () => {
		const speed = byFile('2-speed-to-lead.json');
		const before = (await instance.api.listExecutions(speed.id)).length;
		await sendForm({ Name: 'Kim Form', Email: 'Kim@Example.com', Phone: '+49 30 1234', Company: 'Acme', 'How did you find us?': 'Facebook Ads' });
		await sendForm({ Name: 'Lou Google', Email: 'lou@example.com', Phone: '', Company: '', 'How did you find us?': 'Google' });

		const capture = await instance.api.waitForExecutions(byFile('1-capture-leads-from-a-form.json').id, 2, 30_000);
		expect(capture.map((e) => e.status)).toEqual(['success', 'success']);
		const runs = await instance.api.waitForExecutions(speed.id, before + 1, 60_000);
		expect(runs.slice(before).map((e) => e.status)).toEqual(['success']);

		const kim = (await store.read((t) => t.findLeads())).items.find((l) => l.email === 'kim@example.com')!;
		expect(kim).toMatchObject({ name: 'Kim Form', source: 'Facebook Ads', custom: { company: 'Acme' } });
		// Only the Facebook Ads lead ran: Lou came from Google.
		const runData = runs[before].data.resultData.runData;
		expect(runData['New Facebook Ads lead'][0].data.main[0][0].json.lead.id).toBe(kim.id);
		const first = runData['Assign to Sales'][0].data.main[0][0].json.member.name;
		const second = runData['Reassign in Sales'][0].data.main[0][0].json.member.name;
		expect(DEMO_TEAM.map((m) => m.name)).toContain(first);
		expect(second).not.toBe(first);

		const [tasks, notes, lead] = await store.read(async (t) => [await t.listTasks(kim.id), await t.listNotes(kim.id), await t.getLead(kim.id)] as const);
		expect(tasks.map((task) => task.description).sort()).toEqual(['Call now (reassigned)', 'Call within 1 hour']);
		expect(notes.map((n) => n.content)).toEqual([`Not called within 1 hour: reassigned from ${first} to ${second}.`]);
		expect(lead.owner?.name).toBe(second);
		expect((await store.read((t) => t.getPool(DEMO_POOL))).name).toBe(DEMO_POOL);
	});

	test('a lead moved to Qualified gets an opportunity, a proposal task for its owner and a note with its previous stage', async () => {
		const qualified = byFile('4-qualified-lead-handoff.json');
		const lead = await store.transaction(async (t) => {
			const made = await t.createLead({ name: 'Quinn Qualified', email: 'quinn@example.com', source: 'Referral', custom: { budget: '4200.50' } });
			await t.assignLead(made.id, { mode: 'member', member: { email: DEMO_TEAM[2].email } });
			await t.changeStage(made.id, { name: 'Contacted' });
			await t.changeStage(made.id, { name: 'Qualified' });
			return made;
		});
		const runs = await instance.api.waitForExecutions(qualified.id, 1, 30_000);
		expect(runs.map((e) => e.status)).toEqual(['success']);
		const [tasks, notes] = await store.read(async (t) => [await t.listTasks(lead.id), await t.listNotes(lead.id)] as const);
		expect(tasks).toMatchObject([{ description: 'Send a proposal', type: 'follow_up', assigneeId: expect.any(Number) }]);
		expect((await store.read((t) => t.getMember(tasks[0].assigneeId))).name).toBe(DEMO_TEAM[2].name);
		expect(notes.map((n) => n.content)).toEqual(['Qualified (was Contacted).']);
		const opportunities = (await store.read((t) => t.findOpportunities({}))).items.filter((o) => o.leadId === lead.id);
		expect(opportunities).toMatchObject([{ value: 420050, confidence: 30, status: { name: 'Active' }, owner: { name: DEMO_TEAM[2].name } }]);
	});
});

test('only the re-engage example needs an outside account (SMTP), and its sticky note says which', () => {
	const needs = examples.map((e) => [e.file, needsOutsideAccount(e.workflow)]);
	expect(needs.filter(([, types]) => types.length > 0)).toEqual([['3-re-engage-stale-leads.json', ['smtp']]]);
	const reEngage = examples.find((e) => e.file.startsWith('3-'))!;
	const notes = reEngage.workflow.nodes.filter((n) => n.type === 'n8n-nodes-base.stickyNote').map((n) => n.parameters.content).join('\n');
	expect(notes).toContain('SMTP');
});

/** The examples with every Wait shortened to 2 seconds (n8n keeps waits under 65 s in memory). */
function withShortWaits(example: ExampleFile): ExampleFile {
	const workflow = structuredClone(example.workflow);
	for (const node of workflow.nodes) if (node.type === 'n8n-nodes-base.wait') node.parameters = { amount: 2, unit: 'seconds' };
	return { ...example, workflow };
}

/** Submits the capture form as a browser does (multipart, the fields in the form's order). */
async function sendForm(answers: Record<string, string>): Promise<void> {
	const capture = examples.find((e) => e.file.startsWith('1-'))!.workflow;
	const formNode = capture.nodes.find((n) => n.type === 'n8n-nodes-base.formTrigger')!;
	const fields: Array<{ fieldLabel: string }> = formNode.parameters.formFields.values;
	const body = new FormData();
	fields.forEach((field, i) => body.append(`field-${i}`, answers[field.fieldLabel] ?? ''));
	const response = await fetch(`${instance.n8n.baseUrl}/form/${formNode.parameters.options.path}`, { method: 'POST', body });
	expect(response.status).toBe(200);
}
