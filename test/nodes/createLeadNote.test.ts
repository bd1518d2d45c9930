import type { IDataObject } from 'n8n-workflow';
import { CreateLeadNote } from '../../nodes/CreateLeadNote/CreateLeadNote.node';
import { Lead } from '../../nodes/Lead/Lead.node';
import { closeAllStores } from '../../nodes/shared/storeFromCredential';
import { actionNodeKit, leadFromItem, triggerItem } from '../support/actionNodeKit';
import { forEachBackend } from '../support/backends';
import { rl, runNode } from '../support/nodeHarness';
import { storeFingerprint } from '../support/storeAssertions';

const node = new CreateLeadNote();

afterAll(closeAllStores);

describe('Create Lead Note description', () => {
	it('is a usable-as-tool action on the Lead Store credential, with the shared pickers', () => {
		const d = node.description;
		expect(d).toMatchObject({ name: 'createLeadNote', usableAsTool: true, credentials: [{ name: 'leadStoreApi', required: true }] });
		expect(Object.keys(node.methods.listSearch)).toEqual(expect.arrayContaining(['searchLeads', 'searchStages', 'searchMembers']));
		expect(d.properties.map((p) => p.name)).toEqual(['lead', 'content', 'pinned']);
		expect(d.properties[0].default).toEqual({ mode: 'id', value: '={{ $json.lead ? $json.lead.id : $json.id }}' });
	});
});

forEachBackend((backend) => {
	const kit = actionNodeKit(node, backend);

	it('writes the note on the lead of a trigger item and outputs it with its lead', async () => {
		const leadId = await kit.lead({ source: 'Facebook Ads' });
		const before = await kit.store.read((t) => t.getLead(leadId));
		const [[out]] = await kit.run({ lead: leadFromItem, content: (_i: number, item: { json: IDataObject }) => `Came in via ${(item.json.lead as IDataObject).id}`, pinned: true }, [triggerItem(leadId, 2)]);

		expect(out.pairedItem).toEqual({ item: 0 });
		expect(out.json).toMatchObject({ leadId, content: `Came in via ${leadId}`, pinned: true, lead: { id: leadId, source: 'Facebook Ads' } });
		expect(out.json.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

		const notes = await kit.store.read((t) => t.listNotes(leadId));
		expect(notes).toEqual([expect.objectContaining({ id: out.json.id, content: `Came in via ${leadId}`, pinned: true })]);
		// A note is internal work: the lead's inactivity clock is untouched.
		const after = await kit.store.read((t) => t.getLead(leadId));
		expect([after.lastActivityAt, after.episode]).toEqual([before.lastActivityAt, before.episode]);
		// The event names the workflow and sits one step below the trigger's event.
		const [event] = (await kit.store.read((t) => t.readEvents({ after: 0, types: ['note.created'] }))).filter((e) => e.leadId === leadId);
		expect(event).toMatchObject({ causationDepth: 3, actor: { kind: 'workflow', workflowId: 'wf-test', node: 'Node' }, data: { noteId: out.json.id, pinned: true } });
	});

	it('writes one note per item in one run; the Lead node lists them, pinned first', async () => {
		const leadId = await kit.lead();
		const [out] = await kit.run({ lead: rl(leadId), content: (i: number) => `note ${i}`, pinned: (i: number) => i === 1 }, [{}, {}, {}]);
		expect(out.map((o) => [o.json.content, o.pairedItem])).toEqual([
			['note 0', { item: 0 }],
			['note 1', { item: 1 }],
			['note 2', { item: 2 }],
		]);
		const [listed] = await runNode(new Lead(), { params: { resource: 'lead', operation: 'getNotes', lead: rl(leadId) }, credentials: kit.credentials });
		expect(listed.map((n) => n.json.content)).toEqual(['note 1', 'note 2', 'note 0']);
	});

	describe('bad input', () => {
		it.each([
			['an unknown lead', { lead: rl(999999), content: 'x', pinned: false }, /^Item 0, field "lead": lead: no lead with id 999999$/],
			['a lead id that is not a number', { lead: rl('Ada'), content: 'x', pinned: false }, /^Item 0, field "lead": lead must be a lead id \(a whole number\); got "Ada"/],
			['empty content', { lead: 'LEAD', content: '   ', pinned: false }, /^Item 0, field "content": content is required$/],
			['over-long content', { lead: 'LEAD', content: 'x'.repeat(20_001), pinned: false }, /^Item 0, field "content": content is 20001 characters long; the limit is 20000$/],
		])('refuses %s, writing nothing', async (_what, params, message) => {
			const leadId = await kit.lead();
			await kit.refuses({ ...params, lead: params.lead === 'LEAD' ? rl(leadId) : params.lead }, message);
		});

		it('fails the whole run on the first bad item: the good items before it are not written either', async () => {
			const leadId = await kit.lead();
			await kit.refuses({ lead: (i: number) => rl(i === 2 ? 999999 : leadId), content: 'x', pinned: false }, /^Item 2, field "lead"/, [{}, {}, {}]);
		});

		it('with continue on fail, the bad item becomes an error item and only its own writes are undone', async () => {
			const leadId = await kit.lead();
			const before = await storeFingerprint(kit.store);
			const [out] = await kit.run({ lead: (i: number) => rl(i === 1 ? 999999 : leadId), content: (i: number) => `n${i}`, pinned: false }, [{}, {}, {}], { continueOnFail: true });
			expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(out[1].json).toEqual({ error: 'Item 1, field "lead": lead: no lead with id 999999', field: 'lead' });
			expect((await kit.store.read((t) => t.listNotes(leadId))).map((n) => n.content).sort()).toEqual(['n0', 'n2']);
			expect((await storeFingerprint(kit.store)).notes).toHaveLength(before.notes.length + 2);
		});
	});
});
