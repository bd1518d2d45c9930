/**
 * Stale leads on both backends, on a manual clock: the window edges to the millisecond, once per
 * episode, episode reset by activity and stage change (not by a note), marks surviving restarts
 * and re-activation, stale on publish and its "only after activation" option, refusals.
 */
import {
	DAY_MS,
	isLeadStoreError,
	resolveStaleCriteria,
	sampleEvent,
	scanStale,
	startStaleWatch,
	type Lead,
	type StaleCriteriaInput,
	type StaleLead,
	type StaleWatchOptions,
	type Subscription,
} from '../../core';
import { forEachBackend, manualClock } from '../support/backends';
import { closer, collector } from '../support/delivery';

forEachBackend((backend) => {
	const track = closer();
	let n = 0;

	async function setup(criteria: Partial<StaleCriteriaInput> = {}) {
		const clock = manualClock();
		const config = backend().freshConfig();
		const store = await backend().open({ clock }, config);
		const input: StaleCriteriaInput = { mode: 'gte', minDays: 3, stages: ['New', 'Contacted'], ...criteria };
		const nodeId = `stale${++n}`;
		const subscription = await store.transaction((t) => t.openSubscription({ workflowId: 'wf', nodeId, kind: 'lead.stale', startFrom: 'now' }));
		const resolved = await store.read((t) => resolveStaleCriteria(t.tx, input));
		/** One scan at the current clock time: the names fired. */
		const scan = async (sub: Pick<Subscription, 'id' | 'createdAt' | 'workflowId' | 'nodeId'> = subscription, criteriaNow = resolved) => {
			const got = collector<StaleLead>();
			await scanStale(store, sub, criteriaNow, { emit: got.emit });
			return got.items.map((s) => s.lead.name);
		};
		const t0 = clock();
		const at = (ms: number) => clock.set(t0 + ms);
		const create = (name: string, fields: Record<string, unknown> = {}) => store.transaction((t) => t.createLead({ name, ...fields }));
		return { clock, config, store, input, subscription, resolved, scan, at, create, nodeId };
	}

	describe('greater than or equals N', () => {
		it('fires at exactly N days, not a millisecond before, and once per episode', async () => {
			const { scan, at, create } = await setup({ mode: 'gte', minDays: 3 });
			await create('Jo');
			at(3 * DAY_MS - 1);
			expect(await scan()).toEqual([]);
			at(3 * DAY_MS);
			expect(await scan()).toEqual(['Jo']);
			at(3 * DAY_MS + 1);
			expect(await scan()).toEqual([]);
			at(30 * DAY_MS);
			expect(await scan()).toEqual([]);
		});

		it('reports days inactive, last activity time and kind', async () => {
			const { scan, at, create, store, subscription, resolved, clock } = await setup({ mode: 'gte', minDays: 3 });
			const lead = await create('Jo');
			at(4 * DAY_MS + 5);
			const got = collector<StaleLead>();
			await scanStale(store, subscription, resolved, { emit: got.emit });
			expect(got.items).toEqual([
				{
					lead: expect.objectContaining({ id: lead.id, name: 'Jo', stage: expect.objectContaining({ name: 'New' }) }),
					daysInactive: 4,
					lastActivityAt: lead.createdAt,
					lastActivityKind: 'created',
					episode: 1,
					staleSince: lead.createdAt + 3 * DAY_MS,
					checkedAt: clock(),
				},
			]);
			expect(await scan()).toEqual([]);
		});
	});

	describe('equals N', () => {
		it('fires once while the lead is in day N: [N days, N+1 days)', async () => {
			const { scan, at, create } = await setup({ mode: 'equals', minDays: 2 });
			await create('Early');
			at(2 * DAY_MS - 1);
			expect(await scan()).toEqual([]);
			at(2 * DAY_MS);
			expect(await scan()).toEqual(['Early']);
			at(2 * DAY_MS + 12 * 3_600_000);
			expect(await scan()).toEqual([]); // still day 2: fired already
			await create('Late'); // created at 2.5 days: its day 2 runs [4.5 d, 5.5 d)
			at(4.5 * DAY_MS + 2 * DAY_MS - 1);
			expect(await scan()).toEqual([]);
			at(2.5 * DAY_MS + 3 * DAY_MS - 1); // the last millisecond of Late's day 2
			expect(await scan()).toEqual(['Late']);
		});

		it('does not fire once day N has passed unseen', async () => {
			const { scan, at, create } = await setup({ mode: 'equals', minDays: 2 });
			await create('Missed');
			at(3 * DAY_MS);
			expect(await scan()).toEqual([]);
		});
	});

	describe('between N and M', () => {
		it('fires on entering the range; both edges count, M+1 days does not', async () => {
			const { scan, at, create } = await setup({ mode: 'between', minDays: 2, maxDays: 4 });
			await create('A');
			at(2 * DAY_MS - 1);
			expect(await scan()).toEqual([]);
			at(2 * DAY_MS);
			expect(await scan()).toEqual(['A']);
			at(3 * DAY_MS);
			expect(await scan()).toEqual([]);
		});

		it('a lead first seen on its last day (M) fires; at M+1 days it is out of range', async () => {
			const { scan, at, create } = await setup({ mode: 'between', minDays: 2, maxDays: 4 });
			await create('B');
			at(5 * DAY_MS - 1);
			expect(await scan()).toEqual(['B']);
			const { scan: scan2, at: at2, create: create2 } = await setup({ mode: 'between', minDays: 2, maxDays: 4 });
			await create2('C');
			at2(5 * DAY_MS);
			expect(await scan2()).toEqual([]);
		});
	});

	describe('episodes', () => {
		it('a logged activity starts a new episode that fires again', async () => {
			const { scan, at, create, store } = await setup({ mode: 'gte', minDays: 3 });
			const lead = await create('Jo');
			at(3 * DAY_MS);
			expect(await scan()).toEqual(['Jo']);
			at(4 * DAY_MS);
			await store.transaction((t) => t.logActivity(lead.id, { kind: 'sms', direction: 'outbound' }));
			at(7 * DAY_MS - 1);
			expect(await scan()).toEqual([]);
			at(7 * DAY_MS);
			expect(await scan()).toEqual(['Jo']);
		});

		it('a stage change starts a new episode; a note or a task does not', async () => {
			const { scan, at, create, store } = await setup({ mode: 'gte', minDays: 3 });
			const jo = await create('Jo');
			const kim = await create('Kim');
			at(3 * DAY_MS);
			expect(await scan()).toEqual(['Jo', 'Kim']);
			at(3 * DAY_MS + 10);
			await store.transaction((t) => t.changeStage(jo.id, 'Contacted'));
			await store.transaction(async (t) => {
				await t.createNote(kim.id, { content: 'still nothing' });
				await t.createTask(kim.id, { type: 'call', description: 'chase', due: { immediately: true } });
			});
			const kimNow = (await store.read((t) => t.getLead(kim.id))) as Lead;
			expect(kimNow.episode).toBe(1);
			at(6 * DAY_MS + 10);
			expect(await scan()).toEqual(['Jo']);
			at(60 * DAY_MS);
			expect(await scan()).toEqual([]);
		});

		it('a lead moved out of the watched stages no longer fires', async () => {
			const { scan, at, create, store } = await setup({ mode: 'gte', minDays: 3, stages: ['New'] });
			const lead = await create('Jo');
			await store.transaction((t) => t.changeStage(lead.id, 'Qualified'));
			at(10 * DAY_MS);
			expect(await scan()).toEqual([]);
		});
	});

	describe('marks survive', () => {
		it('repeated scans, a restart (resume) and a re-activation never fire an episode twice', async () => {
			const { scan, at, create, store, nodeId, input } = await setup({ mode: 'gte', minDays: 3 });
			await create('Jo');
			at(3 * DAY_MS);
			expect(await scan()).toEqual(['Jo']);
			expect(await scan()).toEqual([]);
			for (const startFrom of ['resume', 'now'] as const) {
				const got = collector<StaleLead>();
				const watch = track(await startStaleWatch(store, { workflowId: 'wf', nodeId, startFrom, criteria: input, emit: got.emit, checkIntervalMs: 3_600_000 }));
				await watch.idle();
				expect(got.items).toEqual([]);
				await watch.close();
			}
		});

		it('two scanners on one store run each episode once between them (the runner refuses a key it ran)', async () => {
			const { at, create, store, subscription, resolved, config, clock } = await setup({ mode: 'gte', minDays: 1 });
			const other = await backend().open({ clock }, config); // its own connection(s) to the same data
			for (let i = 0; i < 30; i++) await create(`L${i}`);
			at(2 * DAY_MS);
			const n8n = new Set<string>(); // one n8n behind both scanners
			const a = collector<StaleLead>({ keys: n8n });
			const b = collector<StaleLead>({ keys: n8n });
			await Promise.all([
				scanStale(store, subscription, resolved, { emit: a.emit }, { batchSize: 7 }),
				scanStale(other, subscription, resolved, { emit: b.emit }, { batchSize: 5 }),
			]);
			const fired = [...a.items, ...b.items].map((s) => s.lead.name).sort();
			expect(fired).toHaveLength(30);
			expect(new Set(fired).size).toBe(30);
		});

		it('a hand-over that fails is not marked, so the next scan fires it (once); the others are marked', async () => {
			const { at, create, store, subscription, resolved } = await setup({ mode: 'gte', minDays: 3 });
			await create('A');
			await create('B');
			await create('C');
			at(3 * DAY_MS);
			let calls = 0;
			const fired: Array<string | null> = [];
			const flaky = async (items: StaleLead[]) => {
				if (++calls === 2) throw new Error('emit failed (test)');
				fired.push(...items.map((s) => s.lead.name));
			};
			await expect(scanStale(store, subscription, resolved, { emit: flaky })).rejects.toThrow('emit failed');
			expect(fired).toEqual(['A', 'C']);
			await scanStale(store, subscription, resolved, { emit: flaky });
			expect(fired).toEqual(['A', 'C', 'B']);
			await scanStale(store, subscription, resolved, { emit: flaky });
			expect(fired).toEqual(['A', 'C', 'B']);
		});

		it('the watch retries a failed emit with backoff and reports it', async () => {
			const { at, create, store, input } = await setup({ mode: 'gte', minDays: 3 });
			await create('A');
			at(3 * DAY_MS);
			const got = collector<StaleLead>();
			got.failTimes(2);
			const errors: number[] = [];
			const watch = track(
				await startStaleWatch(store, {
					workflowId: 'wf',
					nodeId: 'retrying',
					startFrom: 'now',
					criteria: input,
					emit: got.emit,
					onError: (_e, info) => errors.push(info.attempt),
					retryInitialMs: 10,
					checkIntervalMs: 3_600_000,
				}),
			);
			await got.until(1);
			await watch.idle();
			expect(got.items.map((s) => s.lead.name)).toEqual(['A']);
			expect(errors).toEqual([1, 2]);
		});

		it('marks of finished episodes are pruned', async () => {
			const { scan, at, create, store, subscription } = await setup({ mode: 'gte', minDays: 1 });
			const lead = await create('Jo');
			at(DAY_MS);
			expect(await scan()).toEqual(['Jo']);
			await store.transaction((t) => t.logActivity(lead.id, { kind: 'call' }));
			at(2 * DAY_MS + 3_600_000 * 2);
			expect(await scan()).toEqual(['Jo']); // episode 2 (this scan pruned episode 1's mark)
			const marks = await store.read((t) => t.tx.s.all<{ episode: number }>('SELECT episode FROM stale_fired WHERE subscription_id = $1', [subscription.id]));
			expect(marks.map((m) => Number(m.episode))).toEqual([2]);
		});
	});

	describe('on publish', () => {
		it('targets every lead stale now, by default', async () => {
			const { at, create, store, input } = await setup({ mode: 'gte', minDays: 3 });
			await create('Old 1');
			await create('Old 2');
			at(20 * DAY_MS);
			const got = collector<StaleLead>();
			const watch = track(await startStaleWatch(store, { workflowId: 'wf', nodeId: 'publish', startFrom: 'now', criteria: input, emit: got.emit, checkIntervalMs: 3_600_000 }));
			await got.until(2);
			await watch.idle();
			expect(got.items.map((s) => s.lead.name)).toEqual(['Old 1', 'Old 2']);
		});

		it('with onlyBecomingStaleAfterActivation, only leads crossing the threshold after publishing', async () => {
			const { at, create, store, input, clock } = await setup({ mode: 'gte', minDays: 3, onlyBecomingStaleAfterActivation: true });
			await create('Already stale');
			at(DAY_MS);
			await create('Fresh');
			at(10 * DAY_MS);
			await create('Newer');
			const got = collector<StaleLead>();
			const options: StaleWatchOptions = { workflowId: 'wf', nodeId: 'only-new', startFrom: 'now', criteria: input, emit: got.emit, checkIntervalMs: 3_600_000 };
			const watch = track(await startStaleWatch(store, options));
			await watch.idle();
			expect(got.items).toEqual([]);
			clock.advance(3 * DAY_MS - 1);
			watch.wake();
			await watch.idle();
			expect(got.items).toEqual([]);
			clock.advance(1);
			watch.wake();
			await watch.idle();
			expect(got.items.map((s) => s.lead.name)).toEqual(['Newer']);
			await watch.close();
			// A restart keeps the activation time: the older leads still do not fire.
			const again = track(await startStaleWatch(store, { ...options, startFrom: 'resume' }));
			await again.idle();
			expect(got.items.map((s) => s.lead.name)).toEqual(['Newer']);
		});
	});

	describe('filter and stages', () => {
		it('applies the audience filter and watches only the chosen stages', async () => {
			const { scan, at, create } = await setup({
				mode: 'gte',
				minDays: 1,
				stages: ['Contacted'],
				filter: { combinator: 'and', conditions: [{ field: 'source', operator: 'equals', value: 'ads' }] },
			});
			const a = await create('ads contacted', { source: 'Ads', stage: 'Contacted' });
			await create('web contacted', { source: 'Web', stage: 'Contacted' });
			await create('ads new', { source: 'Ads' });
			at(5 * DAY_MS);
			expect(await scan()).toEqual(['ads contacted']);
			expect(a.stage.name).toBe('Contacted');
		});

		it('refuses won and lost stages, no stage, and bad day counts, naming the field', async () => {
			const { store } = await setup();
			const refused = async (input: Partial<StaleCriteriaInput>) => {
				const error = await store
					.read((t) => resolveStaleCriteria(t.tx, { mode: 'gte', minDays: 3, stages: ['New'], ...input } as StaleCriteriaInput))
					.then(
						() => undefined,
						(e) => e,
					);
				expect(isLeadStoreError(error)).toBe(true);
				return error;
			};
			expect(await refused({ stages: ['New', 'Won'] })).toMatchObject({ code: 'invalid', field: 'stages', message: expect.stringMatching(/"Won" is a won stage/) });
			const lostId = (await store.read((t) => t.getStage('Lost'))).id;
			expect(await refused({ stages: [lostId] })).toMatchObject({ code: 'invalid', field: 'stages', message: expect.stringMatching(/"Lost" is a lost stage/) });
			expect(await refused({ stages: `${lostId}` })).toMatchObject({ field: 'stages' });
			expect(await refused({ stages: [] })).toMatchObject({ code: 'invalid', field: 'stages' });
			expect(await refused({ stages: ['Negotiation'] })).toMatchObject({ code: 'not_found', field: 'stages' });
			expect(await refused({ minDays: 0 })).toMatchObject({ field: 'minDays' });
			expect(await refused({ minDays: 1.5 })).toMatchObject({ field: 'minDays' });
			expect(await refused({ minDays: 'three' })).toMatchObject({ field: 'minDays' });
			expect(await refused({ mode: 'between', minDays: 5, maxDays: 4 })).toMatchObject({ field: 'maxDays' });
			expect(await refused({ mode: 'between', minDays: 5 })).toMatchObject({ field: 'maxDays' });
			expect(await refused({ mode: 'lte' })).toMatchObject({ field: 'mode' });
			// The watch refuses at activation, before it ever scans.
			await expect(
				startStaleWatch(store, { workflowId: 'wf', nodeId: 'bad', startFrom: 'now', criteria: { mode: 'gte', minDays: 3, stages: ['Won'] }, emit: () => undefined }),
			).rejects.toMatchObject({ field: 'stages' });
		});

		it('skips a watched stage that was turned into a won stage after activation', async () => {
			const { scan, at, create, store } = await setup({ mode: 'gte', minDays: 1, stages: ['Contacted'] });
			await create('Jo', { stage: 'Contacted' });
			await store.transaction((t) => t.updateStage('Contacted', { kind: 'won' }));
			at(5 * DAY_MS);
			expect(await scan()).toEqual([]);
		});
	});

	describe('manual mode', () => {
		it('samples the lead that went stale most recently, without marking it', async () => {
			const { scan, at, create, store, input } = await setup({ mode: 'gte', minDays: 3 });
			await create('First');
			at(DAY_MS);
			await create('Second');
			at(5 * DAY_MS);
			const sample = await sampleEvent(store, { ...input, kind: 'lead.stale' }, { wait: false });
			expect(sample).toMatchObject({ lead: { name: 'Second' }, daysInactive: 4 });
			expect(await scan()).toEqual(['First', 'Second']);
		});
	});
});
