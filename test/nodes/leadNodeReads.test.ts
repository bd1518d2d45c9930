/**
 * The Lead node's reads (get, get many, notes, tasks, stages, members) run on a read-only
 * snapshot: they answer while another execution is in the middle of a long write on the same
 * store, and see only what that write has committed.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { Lead } from '../../nodes/Lead/Lead.node';
import { closeAllStores, leaseStore } from '../../nodes/shared/storeFromCredential';
import { forEachBackend } from '../support/backends';
import { credentialsFor, rl, runNode, type Param } from '../support/nodeHarness';

const node = new Lead();
afterAll(closeAllStores);

forEachBackend((backend) => {
	it('answers reads while another execution holds a write transaction open', async () => {
		const credentials = credentialsFor(backend().freshConfig()) as ICredentialDataDecryptedObject;
		const run = (params: Record<string, Param>) => runNode(node, { params, credentials });
		const [[created]] = await run({ resource: 'lead', operation: 'create', name: 'Committed', email: '', phone: '', additionalFields: {} });
		const leadId = created.json.id as number;

		// The same store the node uses, as another execution of the same credential would.
		const lease = await leaseStore(credentials);
		let release!: () => void;
		const held = new Promise<void>((r) => (release = r));
		let started!: () => void;
		const writing = new Promise<void>((r) => (started = r));
		const writer = lease.store.transaction(async (t) => {
			await t.createLead({ name: 'Not yet committed' });
			started();
			await held;
		});
		await writing;
		try {
			const [[got]] = await run({ resource: 'lead', operation: 'get', lead: rl(leadId) });
			expect(got.json).toMatchObject({ id: leadId, name: 'Committed' });
			const [many] = await run({ resource: 'lead', operation: 'getMany', returnAll: true, filters: {}, options: {} });
			expect(many.map((i) => i.json.name)).toEqual(['Committed']);
			const [stages] = await run({ resource: 'stage', operation: 'getMany' });
			expect(stages.map((i) => i.json.name)).toContain('Qualified');
			const [notes] = await run({ resource: 'lead', operation: 'getNotes', lead: rl(leadId) });
			expect(notes).toEqual([]);
		} finally {
			release();
			await writer;
			lease.release();
		}
	});
});
