import type { IDataObject } from 'n8n-workflow';
import { CreateLeadTask } from '../../nodes/CreateLeadTask/CreateLeadTask.node';
import { Lead } from '../../nodes/Lead/Lead.node';
import { closeAllStores } from '../../nodes/shared/storeFromCredential';
import { actionNodeKit, leadFromItem, triggerItem } from '../support/actionNodeKit';
import { forEachBackend } from '../support/backends';
import { credentialsFor, rl, runNode, type Param } from '../support/nodeHarness';
import { storeFingerprint } from '../support/storeAssertions';

const node = new CreateLeadTask();
const HOUR = 3_600_000;
const ms = (iso: unknown) => Date.parse(String(iso));

afterAll(closeAllStores);

/** Freezes Date (and only Date: I/O timers keep running) at `now` while fn runs. */
async function at<T>(now: string, fn: () => Promise<T>): Promise<T> {
	jest.useFakeTimers({
		now: Date.parse(now),
		doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
	});
	try {
		return await fn();
	} finally {
		jest.useRealTimers();
	}
}

forEachBackend((backend) => {
	const kit = actionNodeKit(node, backend);
	const params = (overrides: Record<string, Param> = {}): Record<string, Param> => ({
		lead: leadFromItem,
		type: 'follow_up',
		description: 'Call back about the quote',
		due: 'after',
		dueAmount: 2,
		dueUnit: 'hours',
		assignTo: 'owner',
		priority: 'normal',
		required: true,
		...overrides,
	});

	it("creates the task on the trigger's lead, assigned to the lead's owner, due 2 hours later", async () => {
		const owner = await kit.member('Olga Owner');
		const leadId = await kit.lead({ owner: owner.id });
		const [[out]] = await kit.run(params({ priority: 'high' }), [triggerItem(leadId, 1)]);

		expect(out.pairedItem).toEqual({ item: 0 });
		expect(out.json).toMatchObject({
			leadId,
			type: 'follow_up',
			description: 'Call back about the quote',
			priority: 'high',
			required: true,
			status: 'open',
			assigneeId: owner.id,
			assignee: { id: owner.id, name: 'Olga Owner' },
			lead: { id: leadId, owner: { id: owner.id } },
		});
		expect(out.json).not.toHaveProperty('reason');
		expect(ms(out.json.dueAt) - ms(out.json.createdAt)).toBe(2 * HOUR);

		const [stored] = await kit.store.read((t) => t.listTasks(leadId));
		expect(stored).toMatchObject({ id: out.json.id, assigneeId: owner.id, priority: 'high', required: true, dueAt: ms(out.json.dueAt) });
		const [event] = (await kit.store.read((t) => t.readEvents({ after: 0, types: ['task.created'] }))).filter((e) => e.leadId === leadId);
		expect(event).toMatchObject({ causationDepth: 2, data: { taskId: out.json.id, assigneeId: owner.id } });
	});

	it('says why a task for "the lead\'s owner" has no assignee when the lead has none', async () => {
		const leadId = await kit.lead();
		const [[out]] = await kit.run(params(), [{ lead: { id: leadId } }]);
		expect(out.json).toMatchObject({ assignee: null, assigneeId: null, reason: `lead ${leadId} has no owner, so the task has no assignee` });
		expect((await kit.store.read((t) => t.listTasks(leadId)))[0].assigneeId).toBeNull();
	});

	it('assigns a specific member (list, email or id) or nobody; stores optional tasks as not required', async () => {
		const owner = await kit.member('Olga');
		const sam = await kit.member('Sam');
		const leadId = await kit.lead({ owner: owner.id });
		const [out] = await kit.run(
			params({
				lead: rl(leadId),
				type: (i: number) => ['call', 'email', 'meeting', 'other'][i],
				assignTo: (i: number) => (i === 3 ? 'none' : 'member'),
				assignee: (i: number) => [rl(sam.id, 'list'), rl(sam.email!, 'email'), rl(sam.id)][i],
				priority: (i: number) => ['low', 'normal', 'high', 'urgent'][i],
				required: (i: number) => i !== 1,
				due: 'immediately',
			}),
			[{}, {}, {}, {}],
		);
		expect(out.map((o) => [o.json.type, o.json.assigneeId, o.json.priority, o.json.required])).toEqual([
			['call', sam.id, 'low', true],
			['email', sam.id, 'normal', false],
			['meeting', sam.id, 'high', true],
			['other', null, 'urgent', true],
		]);
		for (const o of out) expect(o.json.dueAt).toBe(o.json.createdAt);
		const [open] = await runNode(new Lead(), { params: { resource: 'lead', operation: 'getTasks', lead: rl(leadId), taskStatus: 'open' }, credentials: kit.credentials });
		expect(open.map((t) => t.json.type).sort()).toEqual(['call', 'email', 'meeting', 'other']);
		expect(open.find((t) => t.json.type === 'email')!.json.required).toBe(false);
	});

	describe('due dates', () => {
		it("reads a date and time without an offset in the workflow's timezone, or in the one given", async () => {
			const leadId = await kit.lead();
			const [out] = await kit.run(
				params({
					lead: rl(leadId),
					due: 'at',
					dueAt: (i: number) => ['2026-03-29T09:00:00', '2026-03-29T09:00:00', '2026-03-29T09:00:00+05:30', '2026-11-01T01:30:00'][i],
					dueTimezone: (i: number) => ['', 'America/New_York', 'Asia/Tokyo', 'America/New_York'][i],
				}),
				[{}, {}, {}, {}],
				{ timezone: 'Europe/Berlin' },
			);
			expect(out.map((o) => o.json.dueAt)).toEqual([
				'2026-03-29T07:00:00.000Z', // 09:00 in Berlin, the first morning of summer time (UTC+2)
				'2026-03-29T13:00:00.000Z', // 09:00 in New York (UTC-4)
				'2026-03-29T03:30:00.000Z', // the text's own offset wins
				'2026-11-01T05:30:00.000Z', // 01:30 happens twice in New York that night: the first one (EDT)
			]);
		});

		it.each([
			['Europe/Berlin', '2026-03-28T09:00:00+01:00', 1, 23, '2026-03-29T07:00:00.000Z'],
			['Europe/Berlin', '2026-10-24T09:00:00+02:00', 1, 25, '2026-10-25T08:00:00.000Z'],
			['America/New_York', '2026-03-06T09:00:00-05:00', 3, 71, '2026-03-09T13:00:00.000Z'],
			['UTC', '2026-03-28T08:00:00Z', 1, 24, '2026-03-29T08:00:00.000Z'],
		])('in a %s workflow, "%s + %i day(s)" keeps the time of day: %i hours later', async (zone, now, days, hours, due) => {
			// A store of its own, opened while the clock is frozen, so "now" is the moment above.
			const config = backend().freshConfig();
			const setup = await backend().open({}, config);
			const leadId = (await setup.transaction((t) => t.createLead({ name: 'DST' }))).id;
			const [[out]] = await at(now, () =>
				runNode(node, { params: params({ lead: rl(leadId), dueAmount: days, dueUnit: 'days' }), credentials: credentialsFor(config), timezone: zone }),
			);
			expect(out.json.createdAt).toBe(new Date(now).toISOString());
			expect(out.json.dueAt).toBe(due);
			expect((ms(out.json.dueAt) - ms(out.json.createdAt)) / HOUR).toBe(hours);
		});

		it('counts minutes and hours as exact durations across the change', async () => {
			const config = backend().freshConfig();
			const setup = await backend().open({}, config);
			const leadId = (await setup.transaction((t) => t.createLead({ name: 'DST' }))).id;
			const [out] = await at('2026-03-29T01:30:00+01:00', () =>
				runNode(node, {
					params: params({ lead: rl(leadId), dueAmount: (i: number) => [90, 2][i], dueUnit: (i: number) => ['minutes', 'hours'][i] }),
					items: [{}, {}],
					credentials: credentialsFor(config),
					timezone: 'Europe/Berlin',
				}),
			);
			expect(out.map((o) => o.json.dueAt)).toEqual(['2026-03-29T02:00:00.000Z', '2026-03-29T02:30:00.000Z']);
		});
	});

	describe('bad input', () => {
		let leadId: number;
		let away: string;
		beforeAll(async () => {
			leadId = await kit.lead();
			away = String((await kit.member('Away', { active: false })).id);
		});
		const bad = (overrides: Record<string, Param>) => params({ lead: () => rl(leadId), ...overrides });

		it.each([
			['an unknown lead', { lead: rl(999999) }, /^Item 0, field "lead": lead: no lead with id 999999$/],
			['an unknown assignee', { assignTo: 'member', assignee: rl(424242) }, /^Item 0, field "assignee": assignee: no team member with id 424242$/],
			['an assignee email nobody has', { assignTo: 'member', assignee: rl('ghost@example.com', 'email') }, /^Item 0, field "assignee": assignee: no team member with email "ghost@example.com"$/],
			['an inactive assignee', { assignTo: 'member', assignee: () => rl(away) }, /^Item 0, field "assignee": assignee: team member Away is inactive$/],
			['no assignee picked', { assignTo: 'member', assignee: rl('') }, /^Item 0, field "assignee": assignee is required$/],
			['an invalid due date', { due: 'at', dueAt: 'next tuesday', dueTimezone: '' }, /^Item 0, field "due": due: "next tuesday" is not a valid date and time/],
			['an impossible due date', { due: 'at', dueAt: '2026-02-30T09:00:00', dueTimezone: '' }, /^Item 0, field "due": due: "2026-02-30T09:00:00" is not a valid date and time/],
			['an empty due date', { due: 'at', dueAt: '', dueTimezone: '' }, /^Item 0, field "due": due: a date and time is required/],
			['an unknown timezone', { due: 'at', dueAt: '2026-03-29T09:00:00', dueTimezone: 'Mars/Olympus_Mons' }, /^Item 0, field "timezone": timezone: "Mars\/Olympus_Mons" is not a known timezone \(use an IANA name such as Europe\/Berlin\)$/],
			['a negative delay', { dueAmount: -1 }, /^Item 0, field "due": due: the amount must be a whole number from 0; got -1$/],
			['a fractional delay', { dueAmount: 1.5 }, /^Item 0, field "due": due: the amount must be a whole number from 0; got 1.5$/],
			['a delay of 10 years', { dueAmount: 3661, dueUnit: 'days' }, /^Item 0, field "due": due: 3661 days is more than the 3660 allowed$/],
			['an empty description', { description: ' ' }, /^Item 0, field "description": description is required$/],
			['an unknown task type', { type: 'fax' }, /^Item 0, field "type": type must be one of call, email, follow_up, meeting, other; got "fax"$/],
			['an unknown priority', { priority: 'asap' }, /^Item 0, field "priority": priority must be one of low, normal, high, urgent; got "asap"$/],
		])('refuses %s, writing nothing', async (_what, overrides, message) => {
			await kit.refuses(bad(overrides), message);
		});

		it('refuses an unknown workflow timezone for relative days', async () => {
			const before = await storeFingerprint(kit.store);
			const error = await kit.run(bad({ dueAmount: 1, dueUnit: 'days' }), undefined, { timezone: 'Nowhere/Atlantis' }).catch((e) => e);
			expect(error.message).toMatch(/^Item 0, field "due": due: "Nowhere\/Atlantis" is not a known timezone/);
			expect(await storeFingerprint(kit.store)).toEqual(before);
		});

		it('with continue on fail, only the bad item is left out; its error names item and field', async () => {
			const own = await kit.lead();
			const [out] = await kit.run(
				params({ lead: rl(own), due: 'at', dueTimezone: '', dueAt: (i: number) => (i === 1 ? '31/12/2026' : '2026-12-31T10:00:00') }),
				[{}, {}, {}],
				{ continueOnFail: true },
			);
			expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(out[1].json).toMatchObject({ field: 'due', error: expect.stringMatching(/^Item 1, field "due": due: "31\/12\/2026" is not a valid date and time/) });
			expect(await kit.store.read((t) => t.listTasks(own))).toHaveLength(2);
		});

		it('without continue on fail, a bad item fails the run and the good ones are not written', async () => {
			const own = await kit.lead();
			const items: IDataObject[] = [{}, {}, {}];
			await kit.refuses(params({ lead: rl(own), type: (i: number) => (i === 2 ? 'fax' : 'call') }), /^Item 2, field "type"/, items);
			expect(await kit.store.read((t) => t.listTasks(own))).toHaveLength(0);
		});
	});
});
