import type { LeadStore } from '../../core';
import { forEachBackend } from '../support/backends';
import { expectRefusedCleanly } from '../support/storeAssertions';

forEachBackend((backend) => {
	let store: LeadStore;
	let seq = 0;
	beforeAll(async () => {
		store = await backend().open({});
	});
	const member = (name: string, active = true) =>
		store.transaction((t) => t.createMember({ name, email: `${name.toLowerCase()}.${++seq}.${backend().name}@example.com`, active }));
	const lead = (fields: Record<string, unknown> = {}) => store.transaction((t) => t.createLead({ name: `Lee ${++seq}`, ...fields }));

	it('a call task held by a pool of 3 closes for all when one completed call is logged; busy calls skip', async () => {
		const [a, b, c] = [await member('Ann'), await member('Ben'), await member('Cid')];
		const away = await member('Dora', false);
		const pool = `Callers ${++seq}`;
		await store.transaction((t) => t.definePool({ name: pool, members: [{ member: a.id }, { member: b.id }, { member: c.id }, { member: away.id }] }));
		const l = await lead();
		const hold = { id: `h${seq}`, executionId: '42', node: 'Call them', item: 0, until: null, resumeUrlFor: (id: number) => `http://n8n/webhook-waiting/42/node?task=${id}` };
		const { task, holders } = await store.transaction((t) => t.createTask(l.id, { type: 'call', description: 'Call', assignee: { kind: 'pool', pool }, hold }));
		expect(holders.map((h) => h.name)).toEqual(['Ann', 'Ben', 'Cid']);
		expect(task).toMatchObject({ assigneeId: null, holderIds: [a.id, b.id, c.id], status: 'open', hold: { executionId: '42', node: 'Call them', resumeUrl: `http://n8n/webhook-waiting/42/node?task=${task.id}` } });
		for (const m of [a, b, c]) expect((await store.read((t) => t.findTasks({ assignee: m.id, status: 'open' }))).items.map((x) => x.id)).toEqual([task.id]);

		const before = await store.read((t) => t.getLead(l.id));
		const logged = await store.transaction((t) => t.logActivity(l.id, { kind: 'call', direction: 'outbound', outcome: 'completed' }));
		expect(logged.tasks.map((x) => [x.task.id, x.task.status, x.task.closedVia, x.resumeUrl])).toEqual([[task.id, 'done', 'call', task.hold!.resumeUrl]]);
		expect(logged.activity.outcome).toBe('completed');
		expect(logged.lead.lastActivityAt).toBeGreaterThanOrEqual(before.lastActivityAt);
		for (const m of [a, b, c]) expect((await store.read((t) => t.findTasks({ assignee: m.id, status: 'open' }))).items).toEqual([]);
		const events = await store.read((t) => t.readEvents({ after: 0, types: ['task.completed'] }));
		expect(events.filter((e) => e.data.taskId === task.id)).toHaveLength(1);

		const other = await store.transaction((t) => t.createTask(l.id, { type: 'call', description: 'Again', assignee: { kind: 'owner' } }));
		const busy = await store.transaction((t) => t.logActivity(l.id, { kind: 'call', outcome: 'busy' }));
		expect(busy.tasks.map((x) => [x.task.id, x.task.status])).toEqual([[other.task.id, 'skipped']]);
		await expectRefusedCleanly(store, (t) => t.logActivity(l.id, { kind: 'email', outcome: 'busy' }), 'invalid', 'outcome');
	});

	it('closing is idempotent; completing a canceled task is refused naming it; tasks never touch the last activity', async () => {
		const l = await lead();
		const { task } = await store.transaction((t) => t.createTask(l.id, { type: 'follow_up', description: 'x' }));
		const first = await store.transaction((t) => t.closeTask(task.id, 'canceled'));
		expect(first).toMatchObject({ changed: true, task: { status: 'canceled', closedVia: 'store' } });
		expect((await store.transaction((t) => t.closeTask(task.id, 'canceled'))).changed).toBe(false);
		await expectRefusedCleanly(store, (t) => t.closeTask(task.id, 'done'), 'conflict', 'task');
		await expectRefusedCleanly(store, (t) => t.closeTask(999_999, 'done'), 'not_found', 'task');
		expect((await store.read((t) => t.getLead(l.id))).lastActivityAt).toBe(l.lastActivityAt);
	});

	it('assigns to the member a lead field names, or leaves the task unassigned saying why', async () => {
		const rep = await member('Rae');
		const named = await lead({ custom: { rep: rep.email } });
		expect((await store.transaction((t) => t.createTask(named.id, { type: 'call', description: 'x', assignee: { kind: 'field', field: 'rep' } }))).assignee?.id).toBe(rep.id);
		const nobody = await lead({ custom: { rep: 'ghost@example.com' } });
		const out = await store.transaction((t) => t.createTask(nobody.id, { type: 'call', description: 'x', assignee: { kind: 'field', field: 'rep' } }));
		expect(out).toMatchObject({ assignee: null, holders: [], reason: expect.stringMatching(/field "rep" names "ghost@example.com", who is not a team member/) });
	});

	it('the held tasks of a node are its latest hold in that run; a released hold hands out no address', async () => {
		const l = await lead();
		const mk = (holdId: string) =>
			store.transaction((t) => t.createTask(l.id, { type: 'other', description: holdId, hold: { id: holdId, executionId: `e${seq}`, node: 'N', item: 0, until: null, resumeUrlFor: () => 'u' } }));
		await mk(`old${seq}`);
		const { task } = await mk(`new${seq}`);
		expect((await store.read((t) => t.heldTasks(`e${seq}`, 'N'))).map((x) => x.id)).toEqual([task.id]);
		await store.transaction((t) => t.releaseHold(`new${seq}`));
		expect((await store.transaction((t) => t.closeTask(task.id, 'done'))).resumeUrl).toBeNull();
	});

	it('filters tasks by status and due range, refusing a range that ends before it starts', async () => {
		const l = await lead();
		const t1 = await store.transaction((t) => t.createTask(l.id, { type: 'other', description: 'a', due: { at: '2030-01-01T10:00:00Z' } }));
		await store.transaction((t) => t.createTask(l.id, { type: 'other', description: 'b', due: { at: '2030-02-01T10:00:00Z' } }));
		const found = await store.read((t) => t.findTasks({ leadId: l.id, dueFrom: Date.parse('2029-12-31T00:00:00Z'), dueTo: Date.parse('2030-01-15T00:00:00Z') }));
		expect(found.items.map((x) => x.id)).toEqual([t1.task.id]);
		await expect(store.read((t) => t.findTasks({ dueFrom: 2, dueTo: 1 }))).rejects.toMatchObject({ field: 'dueBefore' });
	});

	it('stores send windows by name, the latest definition winning', async () => {
		const name = `Office ${++seq}`;
		await store.transaction((t) => t.defineSendWindow({ name, hours: [{ days: ['mon'], from: '09:00', to: '17:00' }] }));
		await store.transaction((t) => t.defineSendWindow({ name: name.toUpperCase(), timezone: 'Europe/Berlin', hours: [{ days: ['tue'], from: '10:00', to: '12:00' }], blackouts: [{ from: '2026-12-24', to: '2026-12-26' }] }));
		expect(await store.read((t) => t.getSendWindow(name))).toMatchObject({ timezone: 'Europe/Berlin', hours: [{ days: ['tue'] }], blackouts: [{ from: '2026-12-24', to: '2026-12-26', yearly: false }] });
		await expect(store.read((t) => t.getSendWindow('nope'))).rejects.toMatchObject({ code: 'not_found', field: 'window' });
		await expectRefusedCleanly(store, (t) => t.defineSendWindow({ name, hours: [] }), 'invalid', 'hours');
	});
});
