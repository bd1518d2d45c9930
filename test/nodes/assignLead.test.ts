import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import type { Member } from '../../core';
import { AssignLead } from '../../nodes/AssignLead/AssignLead.node';
import { Lead } from '../../nodes/Lead/Lead.node';
import { closeAllStores } from '../../nodes/shared/storeFromCredential';
import { actionNodeKit, leadFromItem, triggerItem } from '../support/actionNodeKit';
import { forEachBackend } from '../support/backends';
import { rl, runNode, type Param } from '../support/nodeHarness';

const node = new AssignLead();

afterAll(closeAllStores);

let poolSeq = 0;
const poolName = (what: string) => `${what} ${++poolSeq}`;

/** A fixedCollection value as the editor stores it: members by picker (a locator) or typed email. */
const members = (...entries: [Member | string, number?][]) => ({
	members: entries.map(([m, weight]) => ({ member: typeof m === 'string' ? m : rl(m.id, 'list'), ...(weight === undefined ? {} : { weight }) })),
});

const ownerIds = (out: INodeExecutionData[]) => out.map((o) => ((o.json.lead as IDataObject).owner as IDataObject | null)?.id ?? null);

forEachBackend((backend) => {
	const kit = actionNodeKit(node, backend);
	const history = async (leadId: number) =>
		(await runNode(new Lead(), { params: { resource: 'lead', operation: 'getAssignments', lead: rl(leadId) }, credentials: kit.credentials }))[0].map((o) => o.json);

	const specific = (member: Param, whenAssigned: Param = 'skip', lead: Param = leadFromItem) => ({ lead, mode: 'member', member, whenAssigned });
	const roundRobin = (name: Param, poolMembers: Param, options: { reassign?: Param; whenAssigned?: Param; lead?: Param } = {}) => ({
		lead: options.lead ?? leadFromItem,
		mode: 'roundRobin',
		poolName: name,
		poolMembers,
		reassign: options.reassign ?? false,
		whenAssigned: options.whenAssigned ?? 'skip',
	});

	describe('a specific member', () => {
		it("assigns the trigger's lead; the output has the lead with its owner; the Lead node shows the history", async () => {
			const ana = await kit.member('Ana');
			const leadId = await kit.lead();
			const [[out]] = await kit.run(specific(rl(ana.id, 'list')), [triggerItem(leadId, 1)]);
			expect(out.pairedItem).toEqual({ item: 0 });
			expect(out.json).toMatchObject({ lead: { id: leadId, owner: { id: ana.id, name: 'Ana' } }, member: { id: ana.id }, pool: null, changed: true, skipped: false });
			expect((await kit.store.read((t) => t.getLead(leadId))).owner?.id).toBe(ana.id);
			const [event] = (await kit.store.read((t) => t.readEvents({ after: 0, types: ['lead.assigned'] }))).filter((e) => e.leadId === leadId);
			expect(event).toMatchObject({ causationDepth: 2, data: { memberId: ana.id, previousOwnerId: null, mode: 'member' } });
			expect(await history(leadId)).toEqual([{ id: expect.any(Number), leadId, member: { id: ana.id, name: 'Ana', email: ana.email, active: true }, pool: null, mode: 'member', at: expect.stringMatching(/Z$/) }]);
		});

		it('skips a lead that has an owner and says why; Overwrite replaces the owner', async () => {
			const ana = await kit.member('Ana');
			const bo = await kit.member('Bo');
			const leadId = await kit.lead({ owner: ana.id });
			const [[skipped]] = await kit.run(specific(rl(bo.email!, 'email'), 'skip', rl(leadId)));
			expect(skipped.json).toMatchObject({
				skipped: true,
				changed: false,
				member: { id: ana.id },
				lead: { owner: { id: ana.id } },
				reason: `lead ${leadId} is assigned to Ana already; set "If Already Assigned" to Overwrite to change it`,
			});
			expect(await history(leadId)).toEqual([]);

			const [[overwritten]] = await kit.run(specific(rl(bo.id), 'overwrite', rl(leadId)));
			expect(overwritten.json).toMatchObject({ skipped: false, changed: true, member: { id: bo.id }, lead: { owner: { id: bo.id, name: 'Bo' } } });
			const [[again]] = await kit.run(specific(rl(bo.id), 'overwrite', rl(leadId)));
			expect(again.json).toMatchObject({ changed: false, skipped: false, reason: `lead ${leadId} is assigned to Bo already` });
			expect((await history(leadId)).map((h) => (h.member as IDataObject).id)).toEqual([bo.id]);
		});

		it('unassigns', async () => {
			const ana = await kit.member('Ana');
			const owned = await kit.lead({ owner: ana.id });
			const unowned = await kit.lead();
			const [out] = await kit.run({ lead: (i: number) => rl([owned, unowned][i]), mode: 'unassign' }, [{}, {}]);
			expect(out.map((o) => [o.json.changed, o.json.member, (o.json.lead as IDataObject).owner])).toEqual([
				[true, null, null],
				[false, null, null],
			]);
			expect(out[1].json.reason).toBe(`lead ${unowned} has no owner`);
			expect(await history(owned)).toEqual([expect.objectContaining({ mode: 'unassign', member: null })]);
		});
	});

	describe('round robin', () => {
		it('hands out turns by weight within one execution, and stores the pool', async () => {
			const ana = await kit.member('Ana');
			const bo = await kit.member('Bo');
			const name = poolName('Inbound');
			const leads = await Promise.all([1, 2, 3, 4, 5, 6].map(() => kit.lead()));
			const [out] = await kit.run(roundRobin(name, members([ana, 2], [bo.email!, 1])), leads.map((id) => ({ lead: { id } })));
			expect(ownerIds(out)).toEqual([ana.id, bo.id, ana.id, ana.id, bo.id, ana.id]);
			expect(out.every((o) => (o.json.pool as IDataObject).name === name && o.json.changed === true && o.json.repeated === false)).toBe(true);
			expect(out.map((o) => (o.json.member as IDataObject).id)).toEqual(ownerIds(out));
			const pool = await kit.store.read((t) => t.getPool(name));
			expect(pool.members.map((m) => [m.member.id, m.weight, m.eligible])).toEqual([
				[ana.id, 2, true],
				[bo.id, 1, true],
			]);
			expect(await history(leads[1])).toEqual([expect.objectContaining({ mode: 'round_robin', member: expect.objectContaining({ id: bo.id }), pool: { id: pool.id, name } })]);
		});

		it('shares a pool by name: another workflow naming it without members continues the same rotation', async () => {
			const [ana, bo, cy] = [await kit.member('Ana'), await kit.member('Bo'), await kit.member('Cy')];
			const name = poolName('Shared');
			const first = await Promise.all([1, 2].map(() => kit.lead()));
			const [a] = await kit.run(roundRobin(name, members([ana], [bo], [cy])), first.map((id) => ({ id })));
			const later = await Promise.all([1, 2, 3, 4].map(() => kit.lead()));
			const [b] = await kit.run(roundRobin(name.toUpperCase(), {}), later.map((id) => ({ id })));
			expect([...ownerIds(a), ...ownerIds(b)]).toEqual([ana.id, bo.id, cy.id, ana.id, bo.id, cy.id]);
		});

		it('gives the same lead the same member again without using a turn, unless Reassign is on', async () => {
			const [ana, bo] = [await kit.member('Ana'), await kit.member('Bo')];
			const name = poolName('Sticky');
			const def = members([ana], [bo]);
			const leadId = await kit.lead();
			const [[first]] = await kit.run(roundRobin(name, def, { lead: rl(leadId) }));
			expect(first.json.member).toMatchObject({ id: ana.id });
			const turns = async () => (await kit.store.read((t) => t.getPool(name))).turns;
			const before = await turns();

			// Re-running the workflow for the same lead: "only if unassigned" skips it...
			const [[skipped]] = await kit.run(roundRobin(name, def, { lead: rl(leadId) }));
			expect(skipped.json).toMatchObject({ skipped: true, member: { id: ana.id } });
			// ...and Overwrite gives the same member again, using no turn.
			const [[repeated]] = await kit.run(roundRobin(name, def, { lead: rl(leadId), whenAssigned: 'overwrite' }));
			expect(repeated.json).toMatchObject({ repeated: true, changed: false, member: { id: ana.id }, reason: `pool "${name}" gave lead ${leadId} to Ana before; set reassign to pick anew` });
			expect(await turns()).toEqual(before);

			const [[reassigned]] = await kit.run(roundRobin(name, def, { lead: rl(leadId), whenAssigned: 'overwrite', reassign: true }));
			expect(reassigned.json).toMatchObject({ repeated: false, changed: true, member: { id: bo.id }, lead: { owner: { id: bo.id } } });
			expect(await turns()).not.toEqual(before);
		});

		it('skips inactive members, and members left out of the pool, without losing their place', async () => {
			const [ana, bo, cy] = [await kit.member('Ana'), await kit.member('Bo'), await kit.member('Cy', { active: false })];
			const name = poolName('Away');
			const run = async (def: Param, n: number) => ownerIds((await kit.run(roundRobin(name, def), await Promise.all(Array.from({ length: n }, async () => ({ id: await kit.lead() })))))[0]);
			expect(await run(members([ana], [bo], [cy]), 4)).toEqual([ana.id, bo.id, ana.id, bo.id]);
			expect(await run(members([ana]), 2)).toEqual([ana.id, ana.id]);
			const pool = await kit.store.read((t) => t.getPool(name));
			expect(pool.members.map((m) => [m.member.name, m.active, m.eligible])).toEqual([
				['Ana', true, true],
				['Bo', false, false],
				['Cy', false, false],
			]);
		});
	});

	describe('bad input', () => {
		let leadId: number;
		let ana: Member;
		let away: Member;
		let awayToo: Member;
		beforeAll(async () => {
			leadId = await kit.lead();
			ana = await kit.member('Ana');
			away = await kit.member('Away', { active: false });
			awayToo = await kit.member('Gone', { active: false });
		});
		const lead = () => rl(leadId);

		it.each<[string, () => Record<string, Param>, RegExp]>([
			['an unknown lead', () => specific(rl(ana.id), 'skip', rl(999999)), /^Item 0, field "lead": lead: no lead with id 999999$/],
			['an unknown member', () => specific(rl(424242), 'skip', lead), /^Item 0, field "member": member: no team member with id 424242$/],
			['an unknown member email', () => specific(rl('ghost@example.com', 'email'), 'skip', lead), /^Item 0, field "member": member: no team member with email "ghost@example.com"$/],
			['an inactive member', () => specific(rl(away.id), 'overwrite', lead), /^Item 0, field "member": member: team member Away is inactive$/],
			['an unknown member in the pool', () => roundRobin('Bad 1', members([ana], ['ghost@example.com']), { lead }), /^Item 0, field "pool.members\[1\].member": pool.members\[1\].member: no team member with email "ghost@example.com"$/],
			['an empty pool', () => roundRobin('Nobody Here', {}, { lead }), /^Item 0, field "pool.name": pool.name: no pool named "Nobody Here"; give its members to create it$/],
			['a pool member without a member', () => roundRobin('Bad 2', members([ana], ['']), { lead }), /^Item 0, field "pool.members\[1\].member": pool.members\[1\].member is required$/],
			['a pool whose members are all inactive', () => roundRobin('Bad 3', members([away], [awayToo]), { lead }), /^Item 0, field "pool.members": pool.members: every member of pool "Bad 3" is inactive \(Away, Gone\); activate one or add an active member$/],
			['a weight of 0', () => roundRobin('Bad 4', members([ana, 0]), { lead }), /^Item 0, field "pool.members\[0\].weight": pool.members\[0\].weight must be a whole number above 0; got 0$/],
			['a negative weight', () => roundRobin('Bad 5', members([ana, 1], [away, -2]), { lead }), /^Item 0, field "pool.members\[1\].weight": pool.members\[1\].weight must be a whole number above 0; got -2$/],
			['a fractional weight', () => roundRobin('Bad 6', members([ana, 1.5]), { lead }), /^Item 0, field "pool.members\[0\].weight": pool.members\[0\].weight must be a whole number above 0; got 1.5$/],
			['a member listed twice', () => roundRobin('Bad 7', members([ana], [ana.email!]), { lead }), /^Item 0, field "pool.members\[1\].member": pool.members\[1\].member: Ana is listed twice in pool "Bad 7"$/],
			['no pool name', () => roundRobin('  ', members([ana]), { lead }), /^Item 0, field "pool.name": pool.name is required$/],
		])('refuses %s, writing nothing', async (_what, params, message) => {
			await kit.refuses(params(), message);
		});

		it('refuses a stored pool whose every member has since been deactivated', async () => {
			const bo = await kit.member('Bo');
			const name = poolName('Deactivated');
			await kit.run(roundRobin(name, members([bo]), { lead }));
			await kit.store.transaction((t) => t.updateMember(bo.id, { active: false }));
			const other = await kit.lead();
			await kit.refuses(roundRobin(name, {}, { lead: rl(other) }), new RegExp(`^Item 0, field "pool.members": pool.members: every member of pool "${name}" is inactive \\(Bo\\)`));
		});

		it('with continue on fail, a bad item becomes an error item and uses no turn', async () => {
			const [x, y] = [await kit.member('X'), await kit.member('Y')];
			const name = poolName('Partial');
			const ids = [await kit.lead(), 999999, await kit.lead()];
			const [out] = await kit.run(roundRobin(name, members([x], [y]), { lead: (i: number) => rl(ids[i]) }), [{}, {}, {}], { continueOnFail: true });
			expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(out[1].json).toEqual({ error: 'Item 1, field "lead": lead: no lead with id 999999', field: 'lead' });
			expect([out[0], out[2]].map((o) => (o.json.member as IDataObject).id)).toEqual([x.id, y.id]);
		});

		it('without continue on fail, a bad item fails the run: no lead is assigned and no pool is created', async () => {
			const ids = [await kit.lead(), await kit.lead()];
			await kit.refuses(roundRobin(poolName('Atomic'), members([ana]), { lead: (i: number) => rl(i === 1 ? 999999 : ids[i]) }), /^Item 1, field "lead"/, [{}, {}]);
		});
	});
});
