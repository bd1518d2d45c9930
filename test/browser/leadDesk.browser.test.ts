// The lead desk in a real browser (Debian's chromium driven by playwright-core), set up exactly as
// `npm start` sets it up (scripts/lib/leadDesk.js) in a temporary user folder: log in, open each
// example, open every node's panel, read the canvas subtitles, use the pickers, send the capture
// form and find the lead in the speed-to-lead workflow's execution. LEAD_UPDATE_SCREENSHOTS=1
// rewrites the screenshots in docs/ that the README shows; otherwise the suite leaves git clean.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { prepareDesk, seedStore, storeCredentialData, type Desk } from '../../scripts/lib/leadDesk';
import { ensureRuntime, installPackage, killAllTracked, makeUserFolder, N8nInstance, repoRoot, RUNTIME_INSTALL_TIMEOUT_MS } from '../e2e/harness';

jest.setTimeout(240_000);

const DOCS = path.join(repoRoot, 'docs');
const UPDATE_SCREENSHOTS = process.env.LEAD_UPDATE_SCREENSHOTS === '1';

let n8n: N8nInstance;
let desk: Desk;
let browser: Browser;
let page: Page;
let userFolder: string;

beforeAll(async () => {
	await ensureRuntime({ timeoutMs: RUNTIME_INSTALL_TIMEOUT_MS });
	userFolder = makeUserFolder('lead-browser-');
	installPackage({ packageDir: repoRoot, userFolder, mode: 'link' });
	const env = { ...process.env, LEAD_STORE: 'sqlite' };
	await seedStore({ packageDir: repoRoot, userFolder, data: storeCredentialData(env) });
	n8n = await N8nInstance.start({ userFolder });
	desk = await prepareDesk({ baseUrl: n8n.baseUrl, userFolder, env });
	browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
	page.setDefaultTimeout(60_000);
}, RUNTIME_INSTALL_TIMEOUT_MS + 240_000);

afterAll(async () => {
	await browser?.close();
	await n8n?.stop().catch(() => undefined);
	await killAllTracked();
	if (userFolder && !process.env.LEAD_E2E_KEEP_TMP) fs.rmSync(userFolder, { recursive: true, force: true });
});

const workflow = (file: string) => desk.workflows.find((w) => w.file === file)!;

async function screenshot(name: string): Promise<void> {
	if (!UPDATE_SCREENSHOTS) return;
	// n8n's "Production Checklist" popup would cover the canvas; the node icons load last.
	const checklist = page.locator('div', { has: page.getByText('Production Checklist', { exact: true }) }).last();
	if (await checklist.isVisible()) await checklist.locator('button, [role=button], svg').last().click({ timeout: 5_000 }).catch(() => undefined);
	await page.waitForFunction('[...document.images].every((image) => image.complete)', undefined, { timeout: 20_000 }).catch(() => undefined);
	await page.waitForTimeout(1_000);
	await page.screenshot({ path: path.join(DOCS, name) });
}

async function openWorkflow(id: string): Promise<void> {
	await page.goto(`${n8n.baseUrl}/workflow/${id}`);
	await page.waitForSelector('[data-test-id=canvas-node]');
}

async function openPanel(nodeName: string): Promise<void> {
	await page.locator('[data-test-id=canvas-node]', { hasText: nodeName }).first().dblclick();
	await page.waitForSelector('[data-test-id=ndv] [data-test-id=node-parameters]');
}

async function closePanel(): Promise<void> {
	await page.locator('[data-test-id=ndv-close-button]').click();
	await page.waitForSelector('[data-test-id=ndv]', { state: 'hidden' });
}

/** The entries an open resource-locator list shows, once it shows at least `atLeast` (it loads them). */
async function listedItems(atLeast: number): Promise<string[]> {
	const read = () =>
		page.$$eval('[data-test-id=rlc-item]', (els) => els.filter((e) => e.getClientRects().length > 0).map((e) => (e.textContent ?? '').trim()));
	for (let i = 0; i < 60; i++) {
		const items = await read();
		if (items.length >= atLeast) return items;
		await page.waitForTimeout(250);
	}
	return read();
}

test('the owner logs in with the login npm start prints', async () => {
	await page.goto(`${n8n.baseUrl}/signin`);
	await page.fill('input[name=emailOrLdapLoginId]', desk.owner.email);
	await page.fill('input[name=password]', desk.owner.password);
	await page.click('[data-test-id=form-submit-button]');
	await page.waitForURL(/\/home\//);
	for (const w of desk.workflows) await page.getByText(w.name).first().waitFor();
});

test.each([
	'1-capture-leads-from-a-form.json',
	'2-speed-to-lead.json',
	'3-re-engage-stale-leads.json',
	'4-qualified-lead-handoff.json',
])('%s: the canvas subtitles read right and every node panel opens', async (file) => {
	const example = JSON.parse(fs.readFileSync(path.join(repoRoot, 'examples', file), 'utf8'));
	await openWorkflow(workflow(file).id);
	const canvas = await page.$$eval('[data-test-id=canvas-node]', (els) => els.map((e) => (e as unknown as { innerText: string }).innerText));
	expect(canvas.join('\n')).not.toMatch(/undefined|\[object Object\]/);
	const nodes: string[] = example.nodes.filter((n: { type: string }) => n.type !== 'n8n-nodes-base.stickyNote').map((n: { name: string }) => n.name);
	for (const name of nodes) expect(canvas.some((text) => text.includes(name))).toBe(true);
	if (file === '2-speed-to-lead.json') {
		const subtitles = canvas.join('\n');
		expect(subtitles).toContain('Round robin: Sales');
		await screenshot('canvas-speed-to-lead.png');
	}
	for (const name of nodes) {
		await openPanel(name);
		const title = await page.locator('[data-test-id=ndv] [data-test-id=node-title-container]').innerText();
		expect(title).toContain(name);
		// A panel with an unloadable parameter shows n8n's issue marker; none of ours may.
		expect(await page.locator('[data-test-id=ndv] [data-test-id=node-parameters]').innerText()).not.toMatch(/undefined|Could not load/);
		await closePanel();
	}
});

test('the capture form, filled in the browser, reaches the speed-to-lead workflow', async () => {
	const speed = workflow('2-speed-to-lead.json');
	const form = await browser.newPage();
	await form.goto(`${n8n.baseUrl}/form/lead-form`);
	await form.fill('#field-0', 'Bea Browser');
	await form.fill('#field-1', 'bea@example.com');
	await form.fill('#field-2', '+49 30 555');
	await form.fill('#field-3', 'Chromium GmbH');
	await form.selectOption('#field-4', 'Facebook Ads');
	await form.locator('button[type=submit]').click();
	await form.getByText(/submitted/i).first().waitFor();
	await form.close();

	// The run waits an hour for the call; until then its execution shows it waiting.
	let execution: { id: string; status: string } | undefined;
	for (let i = 0; i < 120 && !execution; i++) {
		const page1 = await desk.client.api<{ data: Array<{ id: string; status: string }> }>('GET', `/executions?workflowId=${speed.id}`);
		execution = page1.data.find((e) => e.status === 'waiting' || e.status === 'success');
		if (!execution) await new Promise((r) => setTimeout(r, 500));
	}
	expect(execution?.status).toBe('waiting');
	await page.goto(`${n8n.baseUrl}/workflow/${speed.id}/executions/${execution!.id}`);
	await page.waitForSelector('[data-test-id=canvas-node]');
	await page.locator('[data-test-id=canvas-node]', { hasText: 'Call within 1 hour' }).first().waitFor();
	await screenshot('execution-speed-to-lead.png');
	const full = await desk.client.api('GET', `/executions/${execution!.id}?includeData=true`);
	expect(full.data.resultData.runData['New Facebook Ads lead'][0].data.main[0][0].json.lead).toMatchObject({ name: 'Bea Browser', source: 'Facebook Ads' });
});

// Last: the pickers change parameters, and the editor autosaves drafts of them.
test('the stage, lead and member pickers and the stage lists show what is in the store', async () => {
	await openWorkflow(workflow('3-re-engage-stale-leads.json').id);
	await openPanel('Mark Unresponsive');
	await page.locator('[data-test-id=resource-locator-stage] [data-test-id=rlc-input]').click();
	expect(await listedItems(6)).toEqual(['Unresponsive', 'New', 'Contacted', 'Qualified', 'Won (won)', 'Lost (lost)']);
	await screenshot('panel-stage-picker.png');
	await page.keyboard.press('Escape');
	await closePanel();

	// The lead picker: the node takes its lead from the input by default, so switch to From List.
	await openPanel('Get lead (1)');
	const lead = page.locator('[data-test-id=parameter-input-lead]');
	await page.locator('[data-test-id=lead-parameter-input-options-container]').hover();
	await page.locator('[data-test-id=lead-parameter-input-options-container] [data-test-id=radio-button-fixed]').click();
	await lead.locator('[data-test-id=rlc-mode-selector]').click();
	await page.locator('[data-test-id=mode-list]:visible').click();
	await lead.locator('[data-test-id=rlc-input]').click();
	const leads = await listedItems(3);
	for (const name of ['Grace Hopper', 'Alan Turing', 'Ada Lovelace']) expect(leads.some((l) => l.startsWith(name))).toBe(true);
	await page.keyboard.press('Escape');
	await closePanel();

	// The trigger's stage list (multi-select) comes from the store too.
	await openWorkflow(workflow('4-qualified-lead-handoff.json').id);
	await openPanel('Lead qualified');
	// Its value is the stage id; the name shown is the one the store's list gives it.
	await page.locator('[data-test-id=ndv] [data-test-id=node-parameters]').getByText('Qualified', { exact: true }).first().waitFor({ timeout: 20_000 });
	await closePanel();

	// The member picker of a round-robin pool's members.
	await openWorkflow(workflow('2-speed-to-lead.json').id);
	await openPanel('Assign to Sales');
	await page.locator('[data-test-id=ndv]').getByText('Add Member').first().click();
	await page.locator('[data-test-id=resource-locator-member] [data-test-id=rlc-input]').first().click();
	expect(await listedItems(3)).toEqual(['Ana Alvarez <ana@example.com>', 'Ben Brooks <ben@example.com>', 'Chloe Chen <chloe@example.com>']);
	await screenshot('panel-member-picker.png');
	await page.keyboard.press('Escape');
	await closePanel();
});
