import { type LeadStore, type Member, type PoolDefinition, type StoreConfig } from '../../core';
import { forEachBackend, manualClock } from '../support/backends';
import { expectRefusedCleanly, expectStoreError } from '../support/storeAssertions';
import { runWorkers } from '../support/workers';

const workflow = { actor: { kind: 'workflow' as const, workflowId: 'wf-assign', node: 'Assign Lead' } };

forEachBackend((backend) => {
	let store: LeadStore;
	const clock = manualClock();
	let seq = 0;

	beforeAll(async () => {
		store = await backend().open({ clock });
	});

	const team = (n: number, options: { active?: boolean } = {}) =>
		store.transaction(async (t) => {
			const out: Member[] = [];
			for (let i = 0; i < n; i++) out.push(await t.createMember({ name: `M${++seq}`, email: `m${seq}@example.com`, active: options.active }));
			return out;
		});
	const leads = (n: number) =>
		store.transaction(async (t) => {
			const ids: number[] = [];
			for (let i = 0; i < n; i++) ids.push((await t.createLead({ name: `L${++seq}` })).id);
			return ids;
		});
	const pool = (name: string, members: [Member, number][]): PoolDefinition => ({ name, members: members.map(([m, weight]) => ({ member: m.id, weight })) });
	const roundRobin = (leadId: number, def: PoolDefinition, options: { reassign?: boolean; whenAssigned?: 'skip' | 'overwrite' } = {}) =>
		store.transaction((t) => t.assignLead(leadId, { mode: 'round_robin', pool: def, whenAssigned: 'overwrite', ...options }, workflow));
	/** n new leads assigned one after another; the member ids in order. */
	const stream = async (n: number, def: PoolDefinition) => {
		const out: number[] = [];
		for (const id of await leads(n)) out.push((await roundRobin(id, def)).member!.id);
		return out;
	};
	const count = (order: number[], member: Member) => order.filter((id) => id === member.id).length;
	/** Every prefix of `order` gives `member` its share to within one turn. */
	const expectFairPrefixes = (order: number[], member: Member, share: number) => {
		order.forEach((_, i) => expect(Math.abs(count(order.slice(0, i + 1), member) - (i + 1) * share)).toBeLessThanOrEqual(1));
	};
	const standing = (name: string) => store.read((t) => t.getPool(name));

	describe('rotation', () => {
		it('honours weights exactly over each full cycle, interleaved', async () => {
			const [a, b, c] = await team(3);
			const def = pool('Weighted', [[a, 3], [b, 2], [c, 1]]);
			const order = await stream(60, def);
			for (let cycle = 0; cycle < 10; cycle++) {
				const slice = order.slice(cycle * 6, cycle * 6 + 6);
				expect([count(slice, a), count(slice, b), count(slice, c)]).toEqual([3, 2, 1]);
			}
			expect(order.slice(0, 6)).toEqual([a.id, b.id, a.id, c.id, b.id, a.id]);
			// Ten whole cycles: the next turn is the cycle's first again.
			expect(await standing('Weighted')).toMatchObject({ turns: 60, nextMemberId: a.id });
		});

		it('a member who joins mid-stream gets their share from then on, no backlog', async () => {
			const [a, b, c, d] = await team(4);
			const first = await stream(9, pool('Joiners', [[a, 1], [b, 1], [c, 1]]));
			expect([count(first, a), count(first, b), count(first, c)]).toEqual([3, 3, 3]);
			const after = await stream(40, pool('Joiners', [[a, 1], [b, 1], [c, 1], [d, 1]]));
			expectFairPrefixes(after, d, 1 / 4);
			expect(count(after, d)).toBe(10);
		});

		it('a member dropped from the pool stays listed and returns without a flood', async () => {
			const [a, b, c, d] = await team(4);
			const all = pool('Returners', [[a, 1], [b, 1], [c, 1], [d, 1]]);
			await stream(6, all); // leave the rotation mid-cycle
			const away = await stream(21, pool('Returners', [[a, 1], [b, 1], [c, 1]]));
			expect(count(away, d)).toBe(0);
			const inPool = (await store.read((t) => t.getPool('returners'))).members.find((m) => m.member.id === d.id)!;
			expect(inPool).toMatchObject({ active: false, eligible: false, weight: 1 });
			const back = await stream(40, all);
			expectFairPrefixes(back, d, 1 / 4);
			for (const m of [a, b, c]) expectFairPrefixes(back, m, 1 / 4);
		});

		it('a deactivated team member is skipped in every pool and keeps their place on return', async () => {
			const [a, b, c] = await team(3);
			const def = pool('Holiday', [[a, 2], [b, 1], [c, 1]]);
			await stream(3, def);
			await store.transaction((t) => t.updateMember(b.id, { active: false }));
			const away = await stream(15, def);
			expect(count(away, b)).toBe(0);
			// B's turns pass to the next in the cycle: A and C split B's absence to within a turn.
			expectFairPrefixes(away, a, 2 / 3);
			expectFairPrefixes(away, c, 1 / 3);
			expect((await standing('Holiday')).members.find((m) => m.member.id === b.id)).toMatchObject({ active: true, eligible: false });
			await store.transaction((t) => t.updateMember(b.id, { active: true }));
			const back = await stream(40, def);
			expectFairPrefixes(back, b, 1 / 4);
			expectFairPrefixes(back, a, 2 / 4);
		});

		it('a pick whose transaction rolls back costs nobody their turn', async () => {
			const [a, b, c] = await team(3);
			const def = pool('Undone', [[a, 1], [b, 1], [c, 1]]);
			const first = await stream(1, def);
			const before = await standing('Undone');
			const [x, y] = await leads(2);
			const failed = store.transaction(async (t) => {
				await t.assignLead(x, { mode: 'round_robin', pool: def, whenAssigned: 'overwrite' }, workflow);
				await t.assignLead(y, { mode: 'round_robin', pool: def, whenAssigned: 'overwrite' }, workflow);
				throw new Error('the run failed after its picks');
			});
			await expect(failed).rejects.toThrow('the run failed after its picks');
			expect(await standing('Undone')).toMatchObject({ turns: before.turns, nextMemberId: b.id });
			// The turns given back are taken again, in order: the rotation goes on as if nothing happened.
			const rest = await stream(5, def);
			expect([...first, ...rest]).toEqual([a.id, b.id, c.id, a.id, b.id, c.id]);
			expect(await store.read((t) => t.listAssignments(x))).toEqual([]);
		});

		it('a weight change applies from the next turn', async () => {
			const [a, b] = await team(2);
			await stream(4, pool('Reweighed', [[a, 1], [b, 1]]));
			const order = await stream(40, pool('Reweighed', [[a, 3], [b, 1]]));
			expectFairPrefixes(order, a, 3 / 4);
			expect(count(order, a)).toBe(30);
		});
	});

	describe('idempotency', () => {
		it('the same lead on the same pool gets the same member again, using no turn', async () => {
			const [a, b, c] = await team(3);
			const def = pool('Again', [[a, 1], [b, 1], [c, 1]]);
			const [lead] = await leads(1);
			const first = await roundRobin(lead, def);
			expect(first).toMatchObject({ changed: true, repeated: false, pool: { name: 'Again' } });
			const before = await standing('Again');
			const again = await roundRobin(lead, def);
			expect(again).toMatchObject({ changed: false, repeated: true, member: { id: first.member!.id } });
			expect(again.reason).toMatch(/before/);
			expect(await standing('Again')).toMatchObject({ turns: before.turns, nextMemberId: before.nextMemberId });
			expect(await store.read((t) => t.listAssignments(lead))).toHaveLength(1);

			const skip = await roundRobin(lead, def, { whenAssigned: 'skip' });
			expect(skip).toMatchObject({ skipped: true, changed: false, member: { id: first.member!.id } });
			expect(skip.reason).toMatch(/assigned to .* already/);
		});

		it('reassign takes the next turn', async () => {
			const [a, b, c] = await team(3);
			const def = pool('Reassign', [[a, 1], [b, 2], [c, 1]]);
			const [lead] = await leads(1);
			await stream(2, def);
			await roundRobin(lead, def);
			const state = await standing('Reassign');
			const expected = state.nextMemberId;
			const again = await roundRobin(lead, def, { reassign: true });
			expect(again).toMatchObject({ repeated: false, member: { id: expected } });
			expect((await standing('Reassign')).turns).toBe(state.turns + 1);
			const history = await store.read((t) => t.listAssignments(lead));
			expect(history.map((h) => [h.mode, h.pool?.name])).toEqual([
				['round_robin', 'Reassign'],
				['round_robin', 'Reassign'],
			]);
			expect(history[1].member?.id).toBe(expected);
		});

		it('picks anew when the earlier member no longer takes turns', async () => {
			const [a, b] = await team(2);
			const [lead] = await leads(1);
			const first = await roundRobin(lead, pool('Moved', [[a, 1], [b, 1]]));
			const other = first.member!.id === a.id ? b : a;
			const next = await roundRobin(lead, pool('Moved', [[other, 1]]));
			expect(next).toMatchObject({ repeated: false, changed: true, member: { id: other.id } });
		});

		it('puts the pool member back when someone else took the lead since (overwrite)', async () => {
			const [a, b, outsider] = await team(3);
			const def = pool('Restore', [[a, 1], [b, 1]]);
			const [lead] = await leads(1);
			const first = await roundRobin(lead, def);
			await store.transaction((t) => t.updateLead(lead, { owner: outsider.id }));
			const again = await roundRobin(lead, def);
			expect(again).toMatchObject({ repeated: true, changed: true, member: { id: first.member!.id }, lead: { owner: { id: first.member!.id } } });
		});
	});

	describe('modes', () => {
		it('specific member: only if unassigned skips, overwrite replaces, unassign clears; all recorded', async () => {
			const [a, b] = await team(2);
			const [lead] = await leads(1);
			const after = await store.read((t) => t.latestEventId());
			const given = await store.transaction((t) => t.assignLead(lead, { mode: 'member', member: a.email }, workflow));
			expect(given).toMatchObject({ changed: true, member: { id: a.id }, pool: null, lead: { owner: { id: a.id } } });
			const kept = await store.transaction((t) => t.assignLead(lead, { mode: 'member', member: b.id, whenAssigned: 'skip' }));
			expect(kept).toMatchObject({ skipped: true, changed: false, member: { id: a.id }, lead: { owner: { id: a.id } } });
			expect(kept.reason).toMatch(/already.*Overwrite/);
			const replaced = await store.transaction((t) => t.assignLead(lead, { mode: 'member', member: { id: b.id }, whenAssigned: 'overwrite' }));
			expect(replaced).toMatchObject({ changed: true, lead: { owner: { id: b.id } } });
			const same = await store.transaction((t) => t.assignLead(lead, { mode: 'member', member: b.id, whenAssigned: 'overwrite' }));
			expect(same.changed).toBe(false);
			const cleared = await store.transaction((t) => t.assignLead(lead, { mode: 'unassign' }));
			expect(cleared).toMatchObject({ changed: true, member: null, lead: { owner: null } });
			expect((await store.transaction((t) => t.assignLead(lead, { mode: 'unassign' }))).changed).toBe(false);

			const history = await store.read((t) => t.listAssignments(lead));
			expect(history.map((h) => [h.mode, h.member?.id ?? null, h.pool])).toEqual([
				['member', a.id, null],
				['member', b.id, null],
				['unassign', null, null],
			]);
			expect(history[0].at).toBe(clock());
			const events = await store.read((t) => t.readEvents({ after, types: ['lead.assigned'] }));
			expect(events.map((e) => [e.data.memberId, e.data.previousOwnerId])).toEqual([
				[a.id, null],
				[b.id, a.id],
				[null, b.id],
			]);
			expect(events[0].actor).toEqual(workflow.actor);
		});

		it('round robin only if unassigned skips an owned lead without touching the pool', async () => {
			const [a, b] = await team(2);
			const [lead] = await leads(1);
			await store.transaction((t) => t.assignLead(lead, { mode: 'member', member: a.id }));
			const result = await roundRobin(lead, pool('Untouched', [[a, 1], [b, 1]]), { whenAssigned: 'skip' });
			expect(result).toMatchObject({ skipped: true, member: { id: a.id } });
			await expectStoreError(store.read((t) => t.getPool('Untouched')), 'not_found', 'pool');
		});

		it('pools are shared by name: defined once, used by name (any case), listed with their standing', async () => {
			const [a, b] = await team(2);
			const defined = await store.transaction((t) => t.definePool(pool('Shared Team', [[a, 2], [b, 1]])));
			expect(defined.members.map((m) => [m.member.id, m.weight, m.active, m.eligible])).toEqual([
				[a.id, 2, true, true],
				[b.id, 1, true, true],
			]);
			expect(defined).toMatchObject({ turns: 0, nextMemberId: a.id });
			const [l1, l2, l3] = await leads(3);
			const got = [];
			for (const id of [l1, l2, l3]) got.push((await roundRobin(id, { name: 'shared team' })).member!.id);
			expect(got.sort()).toEqual([a.id, a.id, b.id].sort());
			const listed = await store.read((t) => t.listPools());
			expect(listed.find((p) => p.name === 'Shared Team')).toMatchObject({ members: 2, eligible: 2 });
		});
	});

	describe('one assignment on its own (assignAlone, what Assign Lead runs for a single item)', () => {
		const alone = (leadId: unknown, def: PoolDefinition, options: { reassign?: boolean; whenAssigned?: 'skip' | 'overwrite' } = {}) =>
			store.assignAlone(leadId, { mode: 'round_robin', pool: def, whenAssigned: 'overwrite', ...options }, workflow);
		const written = () =>
			store.driver.transaction(async (s) => ({
				assignments: Number((await s.get<{ n: number }>('SELECT COUNT(*) AS n FROM assignments'))!.n),
				events: Number((await s.get<{ n: number }>("SELECT COUNT(*) AS n FROM events WHERE type = 'lead.assigned'"))!.n),
			}));

		it('takes the same turns as a transaction would, interleaved with them, and writes owner, history and event', async () => {
			const [a, b, c] = await team(3);
			const name = `Alone ${++seq}`;
			const def = pool(name, [[a, 3], [b, 2], [c, 1]]);
			const ids = await leads(12);
			const before = await written();
			const order: number[] = [];
			// The first pick defines the pool (a transaction's work); then every other one is alone.
			for (const [i, id] of ids.entries()) {
				const result = i % 2 === 1 ? await alone(id, def) : await roundRobin(id, def);
				if (backend().name === 'sqlite' && i % 2 === 1) {
					// SQLite has no such call: nothing written, the transaction does it.
					expect(result).toBeUndefined();
					order.push((await roundRobin(id, def)).member!.id);
				} else {
					expect(result).toMatchObject({ changed: true, repeated: false, pool: { name }, lead: { id, owner: { id: result!.member!.id } } });
					order.push(result!.member!.id);
				}
			}
			expect(order.slice(0, 6)).toEqual([a.id, b.id, a.id, c.id, b.id, a.id]);
			expect(order.slice(6)).toEqual(order.slice(0, 6));
			expect(await written()).toEqual({ assignments: before.assignments + 12, events: before.events + 12 });
			const [lead, history] = await store.read(async (t) => [await t.getLead(ids[1]), await t.listAssignments(ids[1])] as const);
			expect(lead.owner?.id).toBe(b.id);
			expect(history).toMatchObject([{ member: { id: b.id }, mode: 'round_robin', pool: { name } }]);
			expect(await standing(name)).toMatchObject({ turns: 12, nextMemberId: a.id });
		});

		it('declines, writing nothing, what only a transaction can take: a skip, a repeat, a changed pool, an unknown pool or lead', async () => {
			const [a, b] = await team(2);
			const name = `Declines ${++seq}`;
			const def = pool(name, [[a, 1], [b, 1]]);
			const [owned, repeat, fresh] = await leads(3);
			await roundRobin(owned, def);
			await roundRobin(repeat, def);
			const before = await written();
			expect(await alone(owned, def, { whenAssigned: 'skip' })).toBeUndefined();
			expect(await alone(repeat, def)).toBeUndefined();
			expect(await alone(fresh, pool(name, [[a, 2], [b, 1]]))).toBeUndefined();
			expect(await alone(fresh, { name: 'No such pool' })).toBeUndefined();
			expect(await alone(999_999, def)).toBeUndefined();
			expect(await alone('not an id', def)).toBeUndefined();
			expect(await written()).toEqual(before);
			// The transaction then gives the outcome, or names the error.
			expect(await roundRobin(repeat, def)).toMatchObject({ repeated: true });
			await expectStoreError(roundRobin(999_999, def), 'not_found', 'lead');
		});
	});

	describe('bad input is refused, naming the field, with nothing written', () => {
		let a: Member, b: Member, away: Member;
		let lead: number;
		beforeAll(async () => {
			[a, b] = await team(2);
			[away] = await team(1, { active: false });
			[lead] = await leads(1);
			await store.transaction((t) => t.definePool(pool('Existing', [[a, 1], [b, 1]])));
			await roundRobin((await leads(1))[0], { name: 'Existing' });
		});
		const rr = (def: unknown, extra: Record<string, unknown> = {}) => (t: Parameters<Parameters<LeadStore['transaction']>[0]>[0]) =>
			t.assignLead(lead, { mode: 'round_robin', pool: def as PoolDefinition, whenAssigned: 'overwrite', ...extra });

		it('unknown lead', async () => {
			await expectRefusedCleanly(store, (t) => t.assignLead(999_999, { mode: 'round_robin', pool: { name: 'Existing' } }), 'not_found', 'lead');
			await expectRefusedCleanly(store, (t) => t.assignLead(999_999, { mode: 'member', member: a.id }), 'not_found', 'lead');
			await expectRefusedCleanly(store, (t) => t.assignLead(999_999, { mode: 'unassign' }), 'not_found', 'lead');
		});
		it('unknown or inactive member', async () => {
			await expectRefusedCleanly(store, (t) => t.assignLead(lead, { mode: 'member', member: 999_999 }), 'not_found', 'member');
			await expectRefusedCleanly(store, (t) => t.assignLead(lead, { mode: 'member', member: 'ghost@example.com' }), 'not_found', 'member');
			await expectRefusedCleanly(store, (t) => t.assignLead(lead, { mode: 'member', member: away.id }), 'conflict', 'member');
			await expectRefusedCleanly(store, rr({ name: 'Existing', members: [{ member: a.id }, { member: 999_999 }] }), 'not_found', 'pool.members[1].member');
		});
		it('an empty pool', async () => {
			await expectRefusedCleanly(store, rr({ name: 'Existing', members: [] }), 'invalid', 'pool.members');
			await expectRefusedCleanly(store, (t) => t.definePool({ name: 'Empty', members: [] }), 'invalid', 'pool.members');
		});
		it('every member inactive, in the definition or in the stored pool', async () => {
			await expectRefusedCleanly(store, rr({ name: 'Existing', members: [{ member: away.id }] }), 'conflict', 'pool.members');
			const [c] = await team(1);
			await store.transaction((t) => t.definePool(pool('Emptied', [[c, 1]])));
			await store.transaction((t) => t.updateMember(c.id, { active: false }));
			const error = await expectRefusedCleanly(store, rr({ name: 'Emptied' }), 'conflict', 'pool.members');
			expect(error.message).toMatch(/every member of pool "Emptied" is inactive/);
		});
		it.each([[0], [-1], [1.5], ['two'], [true]])('weight %p', async (weight) => {
			await expectRefusedCleanly(store, rr({ name: 'Existing', members: [{ member: a.id, weight }] }), 'invalid', 'pool.members[0].weight');
		});
		it('a member listed twice', async () => {
			await expectRefusedCleanly(store, rr({ name: 'Existing', members: [{ member: a.id }, { member: b.id }, { member: a.email }] }), 'invalid', 'pool.members[2].member');
		});
		it('a pool without a name, or unknown by name', async () => {
			await expectRefusedCleanly(store, rr({ name: ' ', members: [{ member: a.id }] }), 'invalid', 'pool.name');
			await expectRefusedCleanly(store, rr(undefined), 'invalid', 'pool');
			await expectRefusedCleanly(store, rr({ name: 'Nobody Defined Me' }), 'not_found', 'pool.name');
		});
		it('an unknown mode or when-assigned choice', async () => {
			await expectRefusedCleanly(store, (t) => t.assignLead(lead, { mode: 'random' } as never), 'invalid', 'mode');
			await expectRefusedCleanly(store, rr({ name: 'Existing' }, { whenAssigned: 'sometimes' }), 'invalid', 'whenAssigned');
		});
	});

	describe('under real concurrency', () => {
		const LEADS = 2_000;
		const PROCESSES = 2;
		const CALLERS_PER_PROCESS = 4;

		it(`${PROCESSES * CALLERS_PER_PROCESS} callers in ${PROCESSES} processes assign ${LEADS} leads (one process each in its own statement where it can): each once, each member its exact share`, async () => {
			const config: StoreConfig = backend().freshConfig();
			const shared = await backend().open({}, config);
			const members = await shared.transaction(async (t) => {
				const out: Member[] = [];
				for (let i = 1; i <= 4; i++) out.push(await t.createMember({ name: `Rep ${i}`, email: `rep${i}@example.com` }));
				return out;
			});
			const weights = [1, 2, 3, 4];
			const def = pool('Burst', members.map((m, i) => [m, weights[i]]));
			const ids = await shared.transaction(async (t) => {
				const out: number[] = [];
				for (let i = 0; i < LEADS; i++) out.push((await t.createLead({ name: `Burst ${i}` })).id);
				return out;
			});
			// Each caller takes a quarter of the leads; the second process walks the same quarters
			// backwards, so every lead is also contended by two processes at once.
			const quarters = Array.from({ length: CALLERS_PER_PROCESS }, (_, q) => ids.filter((_, i) => i % CALLERS_PER_PROCESS === q));
			const results = await runWorkers<{ ms: number; perCaller: { turns: number; repeats: number }[] }>(
				[
					{ job: 'assignLeads.js', args: { config, pool: def, lists: quarters } },
					// This one as the Assign Lead node does for a one-item run (assignAlone first).
					{ job: 'assignLeads.js', args: { config, pool: def, lists: quarters.map((q) => [...q].reverse()), alone: true } },
				],
				{ timeoutMs: 240_000 },
			);
			const callers = results.flatMap((r) => r.perCaller);
			expect(callers).toHaveLength(8);
			expect(callers.reduce((n, c) => n + c.turns, 0)).toBe(LEADS);
			expect(callers.reduce((n, c) => n + c.repeats, 0)).toBe(LEADS);

			const rows = await shared.driver.transaction((s) =>
				s.all<{ lead_id: number; member_id: number; owner_id: number; n: number }>(
					`SELECT a.lead_id, MIN(a.member_id) AS member_id, MIN(l.owner_id) AS owner_id, COUNT(*) AS n
					FROM assignments a JOIN leads l ON l.id = a.lead_id JOIN pools p ON p.id = a.pool_id
					WHERE p.name = 'Burst' GROUP BY a.lead_id`,
				),
			);
			expect(rows).toHaveLength(LEADS);
			expect(rows.filter((r) => Number(r.n) !== 1)).toEqual([]);
			expect(rows.filter((r) => Number(r.member_id) !== Number(r.owner_id))).toEqual([]);
			const total = weights.reduce((x, y) => x + y);
			members.forEach((m, i) => {
				const got = rows.filter((r) => Number(r.member_id) === m.id).length;
				expect(Math.abs(got - (LEADS * weights[i]) / total)).toBeLessThanOrEqual(1);
			});
			// 200 whole cycles, no turn lost or taken twice: the next turn is the cycle's first again.
			expect(await shared.read((t) => t.getPool('Burst'))).toMatchObject({ turns: LEADS, nextMemberId: members[3].id });
			const attempts = results.map((r) => `${r.ms} ms`).join(', ');
			console.log(`[${backend().name}] ${LEADS * 2} assignment calls (${LEADS} turns) by 8 callers in 2 processes: ${attempts}`);
		}, 300_000);
	});
});
