import { LIMITS, type LeadStore } from '../../core';
import { forEachBackend, manualClock } from '../support/backends';
import { expectRefusedCleanly, expectStoreError } from '../support/storeAssertions';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const workflow = { actor: { kind: 'workflow' as const, workflowId: 'wf1', node: 'Create Lead Task' } };

forEachBackend((backend) => {
	let store: LeadStore;
	const clock = manualClock();

	beforeAll(async () => {
		store = await backend().open({ clock });
	});

	const newLead = (fields: Record<string, unknown> = {}) => store.transaction((t) => t.createLead({ name: 'Lee', ...fields }));

	describe('notes', () => {
		it('adds a note with its lead and a note.created event, leaving staleness alone', async () => {
			const lead = await newLead();
			clock.advance(3 * DAY);
			const { note, lead: after } = await store.transaction((t) => t.createNote(lead.id, { content: '  Called, no answer  ', pinned: true }, workflow));
			expect(note).toMatchObject({ leadId: lead.id, content: 'Called, no answer', pinned: true, createdAt: clock() });
			expect(after.id).toBe(lead.id);
			const now = await store.read((t) => t.getLead(lead.id));
			expect([now.lastActivityAt, now.lastActivityKind, now.episode]).toEqual([lead.lastActivityAt, 'created', lead.episode]);
			const events = await store.read((t) => t.readEvents({ after: 0, types: ['note.created'] }));
			expect(events.at(-1)).toMatchObject({ leadId: lead.id, data: { noteId: note.id, pinned: true }, actor: workflow.actor });
		});

		it('lists pinned notes first, then newest first', async () => {
			const lead = await newLead();
			const a = await store.transaction((t) => t.createNote(lead.id, { content: 'first' }));
			clock.advance(1000);
			const b = await store.transaction((t) => t.createNote(lead.id, { content: 'pinned', pinned: 'true' }));
			clock.advance(1000);
			const c = await store.transaction((t) => t.createNote(lead.id, { content: 'latest', pinned: false }));
			expect((await store.read((t) => t.listNotes(lead.id))).map((n) => n.id)).toEqual([b.note.id, c.note.id, a.note.id]);
		});

		it('refuses empty or over-long content and unknown leads, writing nothing', async () => {
			const lead = await newLead();
			await expectRefusedCleanly(store, (t) => t.createNote(lead.id, { content: '   ' }), 'invalid', 'content');
			await expectRefusedCleanly(store, (t) => t.createNote(lead.id, { content: undefined }), 'invalid', 'content');
			await expectRefusedCleanly(store, (t) => t.createNote(lead.id, { content: 'x'.repeat(LIMITS.noteContent + 1) }), 'invalid', 'content');
			await expectRefusedCleanly(store, (t) => t.createNote(999_999, { content: 'hi' }), 'not_found', 'lead');
			await expectRefusedCleanly(store, (t) => t.createNote('abc', { content: 'hi' }), 'invalid', 'lead');
		});
	});

	describe('tasks', () => {
		let ana: { id: number; name: string };
		beforeAll(async () => {
			ana = await store.transaction((t) => t.createMember({ name: 'Ana', email: `ana-${backend().name}@example.com` }));
		});

		it('creates a task with every field, a task.created event, and leaves staleness alone', async () => {
			const lead = await newLead();
			clock.advance(DAY);
			const created = await store.transaction((t) =>
				t.createTask(
					lead.id,
					{ type: 'Follow-up', description: 'Call back', due: { amount: 2, unit: 'hours' }, assignee: { kind: 'member', member: ana.id }, priority: 'High', required: false, timezone: 'Europe/Berlin' },
					workflow,
				),
			);
			expect(created.task).toMatchObject({
				leadId: lead.id,
				type: 'follow_up',
				description: 'Call back',
				dueAt: clock() + 2 * HOUR,
				assigneeId: ana.id,
				priority: 'high',
				required: false,
				status: 'open',
				completedAt: null,
				createdAt: clock(),
			});
			expect(created.assignee?.id).toBe(ana.id);
			expect(created.reason).toBeUndefined();
			const now = await store.read((t) => t.getLead(lead.id));
			expect([now.lastActivityAt, now.episode]).toEqual([lead.lastActivityAt, lead.episode]);
			const events = await store.read((t) => t.readEvents({ after: 0, types: ['task.created'] }));
			expect(events.at(-1)).toMatchObject({ leadId: lead.id, data: { taskId: created.task.id, assigneeId: ana.id, type: 'follow_up', required: false } });
		});

		it('defaults: normal priority, required, no due date, nobody assigned', async () => {
			const lead = await newLead();
			const { task, assignee } = await store.transaction((t) => t.createTask(lead.id, { type: 'call', description: 'Ring' }));
			expect(task).toMatchObject({ priority: 'normal', required: true, dueAt: null, assigneeId: null });
			expect(assignee).toBeNull();
		});

		it("assigns the lead's owner, or nobody (saying why) when it has none", async () => {
			const owned = await newLead({ owner: ana.id });
			const toOwner = await store.transaction((t) => t.createTask(owned.id, { type: 'email', description: 'Send deck', assignee: { kind: 'owner' } }));
			expect(toOwner.task.assigneeId).toBe(ana.id);
			const orphan = await newLead();
			const none = await store.transaction((t) => t.createTask(orphan.id, { type: 'email', description: 'Send deck', assignee: { kind: 'owner' } }));
			expect(none.task.assigneeId).toBeNull();
			expect(none.reason).toMatch(/no owner/);
		});

		it('due a calendar day later across a DST change, in the workflow timezone', async () => {
			clock.set(Date.parse('2026-03-07T09:00:00-05:00'));
			const lead = await newLead();
			const { task } = await store.transaction((t) =>
				t.createTask(lead.id, { type: 'call', description: 'x', due: { amount: 1, unit: 'days' }, timezone: 'America/New_York' }),
			);
			expect(task.dueAt! - clock()).toBe(23 * HOUR);
			const berlin = await store.transaction((t) =>
				t.createTask(lead.id, { type: 'call', description: 'x', due: { at: '2026-10-25T09:00:00' }, timezone: 'Europe/Berlin' }),
			);
			expect(berlin.task.dueAt).toBe(Date.UTC(2026, 9, 25, 8));
			const soon = await store.transaction((t) => t.createTask(lead.id, { type: 'call', description: 'x', due: { immediately: true } }));
			expect(soon.task.dueAt).toBe(clock());
		});

		it('lists open tasks by due date, completes one (once)', async () => {
			const lead = await newLead();
			const late = await store.transaction((t) => t.createTask(lead.id, { type: 'call', description: 'late', due: { amount: 3, unit: 'days' } }));
			const undated = await store.transaction((t) => t.createTask(lead.id, { type: 'call', description: 'whenever' }));
			const early = await store.transaction((t) => t.createTask(lead.id, { type: 'call', description: 'early', due: { amount: 1, unit: 'hours' } }));
			expect((await store.read((t) => t.listTasks(lead.id))).map((x) => x.id)).toEqual([early.task.id, late.task.id, undated.task.id]);
			clock.advance(HOUR);
			const done = await store.transaction((t) => t.completeTask(early.task.id));
			expect(done).toMatchObject({ status: 'done', completedAt: clock() });
			clock.advance(HOUR);
			expect((await store.transaction((t) => t.completeTask(String(early.task.id)))).completedAt).toBe(done.completedAt);
			expect((await store.read((t) => t.listTasks(lead.id))).map((x) => x.id)).toEqual([late.task.id, undated.task.id, early.task.id]);
			expect((await store.read((t) => t.listTasks(lead.id, { status: 'done' }))).map((x) => x.id)).toEqual([early.task.id]);
			const now = await store.read((t) => t.getLead(lead.id));
			expect(now.episode).toBe(lead.episode);
			await expectStoreError(store.transaction((t) => t.completeTask(999_999)), 'not_found', 'task');
		});

		it('refuses each bad input naming its field, writing nothing', async () => {
			const lead = await newLead();
			const bob = await store.transaction((t) => t.createMember({ name: 'Bob', active: false }));
			const ok = { type: 'call', description: 'x' };
			const refused = (input: Record<string, unknown>, code: 'invalid' | 'not_found' | 'conflict', field: string, leadId: unknown = lead.id) =>
				expectRefusedCleanly(store, (t) => t.createTask(leadId, { ...ok, ...input } as never), code, field);
			await refused({ type: 'lunch' }, 'invalid', 'type');
			await refused({ description: ' ' }, 'invalid', 'description');
			await refused({ description: 'x'.repeat(LIMITS.taskDescription + 1) }, 'invalid', 'description');
			await refused({ priority: 'asap' }, 'invalid', 'priority');
			await refused({ due: { at: '2026-02-30T10:00' } }, 'invalid', 'due');
			await refused({ due: { at: 'soon' } }, 'invalid', 'due');
			await refused({ due: { amount: -2, unit: 'days' } }, 'invalid', 'due');
			await refused({ due: { amount: 2, unit: 'fortnights' } }, 'invalid', 'due');
			await refused({ due: { amount: 1, unit: 'days' }, timezone: 'Atlantis/Capital' }, 'invalid', 'due');
			await refused({ assignee: { kind: 'member', member: 999_999 } }, 'not_found', 'assignee');
			await refused({ assignee: { kind: 'member', member: 'nobody@example.com' } }, 'not_found', 'assignee');
			await refused({ assignee: { kind: 'member', member: bob.id } }, 'conflict', 'assignee');
			await refused({ assignee: { kind: 'team' } }, 'invalid', 'assignee');
			await refused({}, 'not_found', 'lead', 999_999);
		});
	});
});
