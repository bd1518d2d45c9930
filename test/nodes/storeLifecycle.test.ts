/**
 * The stores behind a credential: shared while in use, closed once nobody has used them for a
 * while, so a changed or deleted credential leaves no pool or LISTEN connection behind; and a
 * failure of the whole run says so instead of blaming item 0.
 */
import { Client } from 'pg';
import { CreateLeadNote } from '../../nodes/CreateLeadNote/CreateLeadNote.node';
import { LeadCreatedTrigger } from '../../nodes/LeadCreatedTrigger/LeadCreatedTrigger.node';
import { closeAllStores, openStoreCount, setStoreIdleCloseMs } from '../../nodes/shared/storeFromCredential';
import { postgresAvailable } from '../support/backends';
import { credentialsFor, rl, runNode } from '../support/nodeHarness';
import { startTrigger } from '../support/triggerHarness';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pgConfig } = require('../support/pgConfig');

const IDLE_MS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const schemas: string[] = [];
const freshSchema = () => {
	const schema = `lead_life_${process.pid}_${schemas.length}_${Date.now().toString(36)}`;
	schemas.push(schema);
	return schema;
};
const credentialsOn = (schema: string) => credentialsFor({ backend: 'postgres', ...pgConfig(), schema });

async function connectionsOf(schema: string): Promise<number> {
	const client = new Client(pgConfig());
	await client.connect();
	try {
		const { rows } = await client.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [`n8n-lead-store:${schema}`]);
		return rows[0].n;
	} finally {
		await client.end();
	}
}

const note = new CreateLeadNote();
const addNote = (schema: string, leadId: number | string) =>
	runNode(note, { credentials: credentialsOn(schema), params: { lead: rl(leadId), content: 'hello', pinned: false } });

beforeAll(() => setStoreIdleCloseMs(IDLE_MS));
afterAll(async () => {
	await closeAllStores();
	if (!postgresAvailable()) return;
	const client = new Client(pgConfig());
	await client.connect();
	for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
	await client.end();
});

const pg = postgresAvailable() ? describe : describe.skip;

pg('[postgres] stores behind a credential', () => {
	it('closes the old pool after the credential changes, once it is idle', async () => {
		const before = freshSchema();
		const after = freshSchema();
		// A run on the credential as it was: creates the store and its pool.
		await expect(addNote(before, 999999)).rejects.toThrow(/no lead with id 999999/);
		expect(await connectionsOf(before)).toBeGreaterThan(0);
		// The credential now points elsewhere: runs use a new store; the old one is left idle.
		await expect(addNote(after, 999999)).rejects.toThrow(/no lead with id 999999/);
		await sleep(IDLE_MS * 3);
		expect(await connectionsOf(before)).toBe(0);
		expect(await connectionsOf(after)).toBe(0);
		expect(openStoreCount()).toBe(0);
	});

	it('keeps the store (and its LISTEN connection) while a trigger is active, and closes it after', async () => {
		const schema = freshSchema();
		const trigger = await startTrigger(new LeadCreatedTrigger(), { credentials: credentialsOn(schema), mode: 'activate' });
		await sleep(IDLE_MS * 3);
		expect(await connectionsOf(schema)).toBeGreaterThan(0);
		await trigger.close();
		await sleep(IDLE_MS * 3);
		expect(await connectionsOf(schema)).toBe(0);
	});

	it('says a failure to reach the store is the run\'s, not item 0\'s', async () => {
		const credentials = { ...credentialsOn(freshSchema()), port: 1 };
		const run = runNode(note, { credentials, params: { lead: rl(1), content: 'hello', pinned: false }, items: [{}, {}] });
		await expect(run).rejects.toThrow(/^Cannot reach the lead store: /);
		await expect(run).rejects.not.toThrow(/Item 0/);
	});
});
