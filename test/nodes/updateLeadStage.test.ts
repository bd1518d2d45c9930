import { MAX_CAUSATION_DEPTH, type LeadEvent } from '../../core';
import { MAX_STAGE_CHANGES_PER_WINDOW } from '../../core/store/leads';
import { closeAllStores } from '../../nodes/shared/storeFromCredential';
import { toJson } from '../../nodes/shared/output';
import { UpdateLeadStage } from '../../nodes/UpdateLeadStage/UpdateLeadStage.node';
import { actionNodeKit, leadFromItem, triggerItem } from '../support/actionNodeKit';
import { forEachBackend } from '../support/backends';
import { rl, type Param } from '../support/nodeHarness';

const node = new UpdateLeadStage();

afterAll(closeAllStores);

forEachBackend((backend) => {
	const kit = actionNodeKit(node, backend);
	const stageId = async (name: string) => (await kit.store.read((t) => t.getStage(name))).id;
	const stageEvents = async (leadId: number): Promise<LeadEvent[]> =>
		(await kit.store.read((t) => t.readEvents({ after: 0, types: ['lead.stage_changed'] }))).filter((e) => e.leadId === leadId);
	let qualified: number;
	let won: number;
	beforeAll(async () => {
		qualified = await stageId('Qualified');
		won = await stageId('Won');
	});
	const move = (stage: Param, lead: Param = leadFromItem, options: Param = {}) => ({ lead, stage, options });

	it('moves the lead: outputs both stages, records the activity and the stage-changed event', async () => {
		const leadId = await kit.lead();
		const before = await kit.store.read((t) => t.getLead(leadId));
		const [[out]] = await kit.run(move(rl('Contacted', 'name')), [triggerItem(leadId, 0)]);

		expect(out.pairedItem).toEqual({ item: 0 });
		expect(out.json).toMatchObject({
			changed: true,
			previousStage: { name: 'New', kind: 'open' },
			newStage: { name: 'Contacted', kind: 'open' },
			lead: { id: leadId, stage: { name: 'Contacted' }, lastActivityKind: 'stage_change', episode: before.episode + 1 },
		});
		const [event] = await stageEvents(leadId);
		expect(event).toMatchObject({
			causationDepth: 1,
			actor: { kind: 'workflow', workflowId: 'wf-test', executionId: 'exec-test', node: 'Node' },
			data: { fromStage: 'New', toStage: 'Contacted', fromStageId: before.stage.id, toStageId: await stageId('Contacted') },
		});
		const activities = await kit.store.read((t) => t.listActivities(leadId));
		expect(activities.at(-1)).toMatchObject({ kind: 'stage_change', details: 'New → Contacted' });
	});

	it('takes the stage from the list (an id), by name in any case, or by id; Won and Lost are allowed', async () => {
		const leadId = await kit.lead();
		const [out] = await kit.run(
			move((i: number) => [rl(qualified, 'list'), rl('unresponsive', 'name'), rl(won), rl('Lost', 'name')][i], rl(leadId)),
			[{}, {}, {}, {}],
		);
		expect(out.map((o) => [o.json.changed, (o.json.previousStage as { name: string }).name, (o.json.newStage as { name: string }).name])).toEqual([
			[true, 'New', 'Qualified'],
			[true, 'Qualified', 'Unresponsive'],
			[true, 'Unresponsive', 'Won'],
			[true, 'Won', 'Lost'],
		]);
		expect((await kit.store.read((t) => t.getLead(leadId))).stage).toMatchObject({ name: 'Lost', kind: 'lost' });
		expect((await stageEvents(leadId)).map((e) => e.data.toStage)).toEqual(['Qualified', 'Unresponsive', 'Won', 'Lost']);
	});

	it('does nothing for a lead already in that stage: changed false, no event, no activity', async () => {
		const leadId = await kit.lead({ stage: 'Qualified' });
		const before = await kit.store.read((t) => t.getLead(leadId));
		const [[out]] = await kit.run(move(rl('Qualified', 'name'), rl(leadId)));
		expect(out.json).toMatchObject({ changed: false, previousStage: { name: 'Qualified' }, newStage: { name: 'Qualified' } });
		expect(await stageEvents(leadId)).toEqual([]);
		expect(await kit.store.read((t) => t.getLead(leadId))).toEqual(before);
	});

	it('"Record Even If Unchanged" records the move anyway', async () => {
		const leadId = await kit.lead({ stage: 'Qualified' });
		const [[out]] = await kit.run(move(rl('Qualified', 'name'), rl(leadId), { force: true }));
		expect(out.json).toMatchObject({ changed: true, previousStage: { name: 'Qualified' }, newStage: { name: 'Qualified' } });
		expect((await stageEvents(leadId)).map((e) => [e.data.fromStage, e.data.toStage])).toEqual([['Qualified', 'Qualified']]);
		expect((await kit.store.read((t) => t.getLead(leadId))).lastActivityKind).toBe('stage_change');
	});

	describe('many items (moved in one go when all of them can be)', () => {
		it('moves each lead as one item alone would: outputs, depths, events and activities in item order; a lead in that stage stays', async () => {
			const ids = [await kit.lead(), await kit.lead({ stage: 'Qualified' }), await kit.lead(), await kit.lead({ stage: 'Contacted' })];
			const before = await kit.store.read(async (t) => Promise.all(ids.map((id) => t.getLead(id))));
			const after = (await kit.store.read((t) => t.latestEventId())) ?? 0;
			const [out] = await kit.run(move(rl('Qualified', 'name')), ids.map((id, i) => triggerItem(id, i)));

			expect(out.map((o) => [o.pairedItem, o.json.changed, (o.json.previousStage as { name: string }).name])).toEqual([
				[{ item: 0 }, true, 'New'],
				[{ item: 1 }, false, 'Qualified'],
				[{ item: 2 }, true, 'New'],
				[{ item: 3 }, true, 'Contacted'],
			]);
			const stored = await kit.store.read(async (t) => Promise.all(ids.map((id) => t.getLead(id))));
			// The output is the lead as stored; a move is activity: a new episode.
			expect(out.map((o) => o.json.lead)).toEqual(stored.map((lead) => toJson(lead)));
			expect(stored.map((l, i) => l.episode - before[i].episode)).toEqual([1, 0, 1, 1]);
			const events = (await kit.store.read((t) => t.readEvents({ after, types: ['lead.stage_changed'] }))).filter((e) => ids.includes(e.leadId));
			expect(events.map((e) => [e.leadId, e.causationDepth, e.data.fromStage, e.data.toStage])).toEqual([
				[ids[0], 1, 'New', 'Qualified'],
				[ids[2], 3, 'New', 'Qualified'],
				[ids[3], 4, 'Contacted', 'Qualified'],
			]);
			const activities = await kit.store.read(async (t) => Promise.all(ids.map(async (id) => (await t.listActivities(id)).map((a) => a.details))));
			expect(activities).toEqual([['New → Qualified'], [], ['New → Qualified'], ['Contacted → Qualified']].map((moved) => [null, ...moved]));
		});

		it('with continue on fail, a refused item among many gets its own error and the others move', async () => {
			const ids = [await kit.lead(), await kit.lead(), await kit.lead()];
			const depths = [0, MAX_CAUSATION_DEPTH, 1];
			const [out] = await kit.run(move(rl('Won', 'name')), ids.map((id, i) => triggerItem(id, depths[i])), { continueOnFail: true });
			expect(out[1].json).toMatchObject({ field: 'stage', error: expect.stringMatching(/^Item 1, field "stage": stopped a loop: lead \d+ would move to "Won" as step 6/) });
			const stages = await kit.store.read(async (t) => Promise.all(ids.map(async (id) => (await t.getLead(id)).stage.name)));
			expect(stages).toEqual(['Won', 'New', 'Won']);
			expect(await stageEvents(ids[1])).toEqual([]);
		});
	});

	describe('loops', () => {
		it(`stops a chain of stage-change workflows past depth ${MAX_CAUSATION_DEPTH}, naming the chain`, async () => {
			const leadId = await kit.lead();
			// A status-changed workflow that moves the lead: each of its runs is one step deeper.
			const [[ok]] = await kit.run(move(rl('Contacted', 'name')), [triggerItem(leadId, MAX_CAUSATION_DEPTH - 1)]);
			expect(ok.json.changed).toBe(true);
			expect((await stageEvents(leadId)).at(-1)!.causationDepth).toBe(MAX_CAUSATION_DEPTH);

			await kit.refuses(
				move(rl('Qualified', 'name')),
				new RegExp(
					`^Item 0, field "stage": stopped a loop: lead ${leadId} would move to "Qualified" as step ${MAX_CAUSATION_DEPTH + 1} of a chain of stage-change workflows \\(the limit is ${MAX_CAUSATION_DEPTH}\\); a Lead Status Changed workflow is changing the stage that triggers it$`,
				),
				[triggerItem(leadId, MAX_CAUSATION_DEPTH)],
			);
			expect((await kit.store.read((t) => t.getLead(leadId))).stage.name).toBe('Contacted');
		});

		it('lets a deep chain end quietly: a move to the current stage is no change, so no error', async () => {
			const leadId = await kit.lead({ stage: 'Contacted' });
			const [[out]] = await kit.run(move(rl('Contacted', 'name')), [triggerItem(leadId, MAX_CAUSATION_DEPTH + 3)]);
			expect(out.json.changed).toBe(false);
		});

		it('refuses the same lead moved by workflows too often within a minute, even without a depth on the item', async () => {
			const leadId = await kit.lead();
			const items = Array.from({ length: MAX_STAGE_CHANGES_PER_WINDOW + 1 }, () => ({ id: leadId }));
			const [out] = await kit.run(move((i: number) => rl(i % 2 ? 'New' : 'Contacted', 'name')), items, { continueOnFail: true });
			expect(out.slice(0, -1).every((o) => o.json.changed === true)).toBe(true);
			expect(out.at(-1)!.json).toMatchObject({
				field: 'stage',
				error: `Item ${MAX_STAGE_CHANGES_PER_WINDOW}, field "stage": stopped a loop: workflows moved lead ${leadId} ${MAX_STAGE_CHANGES_PER_WINDOW} times in the last 60 s; refusing to move it to "Contacted"`,
			});
			expect(await stageEvents(leadId)).toHaveLength(MAX_STAGE_CHANGES_PER_WINDOW);
		});
	});

	describe('bad input', () => {
		let leadId: number;
		beforeAll(async () => {
			leadId = await kit.lead();
		});

		it.each([
			['an unknown lead', move(rl('Won', 'name'), rl(999999)), /^Item 0, field "lead": lead: no lead with id 999999$/],
			['an unknown stage name', move(rl('Negotiation', 'name'), 'LEAD'), /^Item 0, field "stage": stage: no stage "Negotiation"; the stages are New, Contacted, Qualified, Unresponsive, Won, Lost$/],
			['an unknown stage id', move(rl(987654), 'LEAD'), /^Item 0, field "stage": stage: no stage "987654"; the stages are New, /],
			['no stage picked', move(rl('', 'list'), 'LEAD'), /^Item 0, field "stage": stage is required$/],
		])('refuses %s, writing nothing', async (_what, params, message) => {
			await kit.refuses({ ...params, lead: params.lead === 'LEAD' ? rl(leadId) : params.lead }, message);
		});

		it('with continue on fail, moves the good items and returns an error item for the bad one', async () => {
			const ids = [await kit.lead(), await kit.lead(), await kit.lead()];
			const [out] = await kit.run(move((i: number) => rl(i === 1 ? 'Negotiation' : 'Won', 'name'), (i: number) => rl(ids[i])), [{}, {}, {}], { continueOnFail: true });
			expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(out[1].json).toMatchObject({ field: 'stage', error: expect.stringMatching(/^Item 1, field "stage": stage: no stage "Negotiation"/) });
			const stages = await kit.store.read(async (t) => Promise.all(ids.map(async (id) => (await t.getLead(id)).stage.name)));
			expect(stages).toEqual(['Won', 'New', 'Won']);
			expect((await stageEvents(ids[1])).length).toBe(0);
		});

		it('without continue on fail, a bad item fails the run and no lead moves', async () => {
			const ids = [await kit.lead(), await kit.lead()];
			await kit.refuses(move((i: number) => rl(i === 1 ? 'Negotiation' : 'Won', 'name'), (i: number) => rl(ids[i])), /^Item 1, field "stage"/, [{}, {}]);
			const stages = await kit.store.read(async (t) => Promise.all(ids.map(async (id) => (await t.getLead(id)).stage.name)));
			expect(stages).toEqual(['New', 'New']);
		});
	});
});
