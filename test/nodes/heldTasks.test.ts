import { CreateLeadTask } from '../../nodes/CreateLeadTask/CreateLeadTask.node';
import { Lead } from '../../nodes/Lead/Lead.node';
import { SendWindow } from '../../nodes/SendWindow/SendWindow.node';
import { closeAllStores } from '../../nodes/shared/storeFromCredential';
import { actionNodeKit, leadFromItem, triggerItem } from '../support/actionNodeKit';
import { forEachBackend } from '../support/backends';
import { rl } from '../support/nodeHarness';

afterAll(closeAllStores);

const everyDay = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

forEachBackend((backend) => {
	describe('Create Lead Task', () => {
		const kit = actionNodeKit(new CreateLeadTask(), backend);
		const params = { lead: leadFromItem, type: 'call', description: 'Call', due: 'immediately', assignTo: 'owner', priority: 'normal' };

		it('goes on at once when optional, saying the outcome is open and who holds it (a pool: all its active members)', async () => {
			const [a, b] = [await kit.member('Ann'), await kit.member('Ben')];
			await kit.store.transaction((t) => t.definePool({ name: `Callers ${backend().name}`, members: [{ member: a.id }, { member: b.id }] }));
			const lead = await kit.lead();
			const [[out]] = await kit.run({ ...params, assignTo: 'pool', pool: `Callers ${backend().name}`, waitForCompletion: 'optional' }, [triggerItem(lead)]);
			expect(out.json).toMatchObject({ outcome: 'open', unassigned: false, assignee: null, holders: [{ id: a.id }, { id: b.id }], completionUrl: null, waiting: null, lead: { id: lead } });
		});

		it('says a task is unassigned when the lead field names nobody', async () => {
			const lead = await kit.lead({ custom: { rep: '' } });
			const [[out]] = await kit.run({ ...params, assignTo: 'field', assigneeField: 'rep' }, [triggerItem(lead)]);
			expect(out.json).toMatchObject({ unassigned: true, reason: expect.stringMatching(/has nothing in field "rep"/) });
		});

		it('refuses a pending limit of 0 or less, naming item and field, writing nothing', async () => {
			const lead = await kit.lead();
			await kit.refuses({ ...params, waitForCompletion: 'optionalWithLimit', limitAmount: 0, limitUnit: 'minutes' }, /^Item 0, field "limitAmount": limitAmount: the pending limit must be more than 0; got 0$/, [triggerItem(lead)]);
		});
	});

	describe('Lead: Task', () => {
		const kit = actionNodeKit(new Lead(), backend);
		it('refuses an unknown task id and completing a canceled task, naming item and field', async () => {
			const lead = await kit.lead();
			const { task } = await kit.store.transaction((t) => t.createTask(lead, { type: 'call', description: 'x' }));
			await kit.refuses({ resource: 'task', operation: 'complete', taskId: '999999', closedBy: rl('') }, /^Item 0, field "task": task: no task with id "999999"$/);
			const [[canceled]] = await kit.run({ resource: 'task', operation: 'cancel', taskId: String(task.id), closedBy: rl('') });
			expect(canceled.json).toMatchObject({ status: 'canceled', outcome: 'canceled', changed: true });
			await kit.refuses({ resource: 'task', operation: 'complete', taskId: String(task.id), closedBy: rl('') }, /^Item 0, field "task": task \d+ was canceled at .* and cannot be completed$/);
		});

		it('finds tasks by assignee and status, and refuses a due range that ends before it starts', async () => {
			const ann = await kit.member('Ann');
			const lead = await kit.lead({ owner: ann.id });
			const { task } = await kit.store.transaction((t) => t.createTask(lead, { type: 'call', description: 'x', assignee: { kind: 'owner' } }));
			const [out] = await kit.run({ resource: 'task', operation: 'getMany', returnAll: true, taskFilters: { assignee: String(ann.id), status: 'open' } });
			expect(out.map((o) => o.json.id)).toEqual([task.id]);
			await kit.refuses({ resource: 'task', operation: 'getMany', returnAll: true, taskFilters: { dueAfter: '2030-02-01T00:00:00Z', dueBefore: '2030-01-01T00:00:00Z' } }, /field "dueBefore": dueBefore .* precedes dueAfter/);
		});
	});

	describe('Send Window', () => {
		const kit = actionNodeKit(new SendWindow(), backend);
		const params = { windowTimezone: 'UTC', blackouts: {}, timezoneFrom: 'window' };

		it('lets an item through at once inside the window, saying when and why', async () => {
			const [[out]] = await kit.run({ ...params, windowName: 'Always', hours: { open: [{ days: everyDay, from: '00:00', to: '24:00' }] } }, [{ keep: 'me' }]);
			expect(out.json).toMatchObject({ keep: 'me', sendWindow: { name: 'Always', open: true, timezone: 'UTC', reason: expect.stringMatching(/inside the send window "Always"/) } });
			// Saved by name: another step that gives no hours uses it.
			const [[again]] = await kit.run({ ...params, windowName: 'always', hours: {} }, [{}]);
			expect(again.json).toMatchObject({ sendWindow: { name: 'Always', open: true } });
		});

		it.each([
			['a window with no open hour (none saved under the name)', { windowName: 'Nowhere', hours: {} }, /field "windowName": windowName: no send window named "Nowhere"/],
			['an invalid timezone', { windowName: 'Bad zone', windowTimezone: 'Mars/Olympus', hours: { open: [{ days: everyDay, from: '09:00', to: '17:00' }] } }, /field "timezone": timezone: "Mars\/Olympus" is not a known timezone/],
			['open hours that end before they start', { windowName: 'Backwards', hours: { open: [{ days: ['mon'], from: '17:00', to: '09:00' }] } }, /field "hours": hours 1: to \(09:00\) must be after from \(17:00\)/],
			[
				'a blackout range whose end precedes its start',
				{ windowName: 'Blackout', hours: { open: [{ days: everyDay, from: '09:00', to: '17:00' }] }, blackouts: { dates: [{ name: 'Summer', from: '2026-08-10', to: '2026-08-01', yearly: false }] } },
				/field "blackouts": blackout 1 \(Summer\): end 2026-08-01 precedes start 2026-08-10/,
			],
		])('refuses %s, naming item and field, writing nothing', async (_label, overrides, message) => {
			await kit.refuses({ ...params, ...overrides }, new RegExp(`^Item 0, ${message.source}`), [{}]);
		});

		it("refuses a lead whose own timezone is invalid, naming its field", async () => {
			const lead = await kit.lead({ custom: { tz: 'Nowhere/Land' } });
			await kit.refuses(
				{ ...params, windowName: 'Lead zone', hours: { open: [{ days: everyDay, from: '00:00', to: '24:00' }] }, timezoneFrom: 'leadField', lead: rl(lead), leadTimezoneField: 'tz' },
				/^Item 0, field "custom.tz": custom.tz: "Nowhere\/Land" is not a known timezone/,
				[{}],
			);
		});
	});
});
