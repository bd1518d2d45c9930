/**
 * Writers without a common lock (core/store/events.ts): on PostgreSQL, writes to different
 * leads run at the same time, writes to one lead wait for each other (its row lock), and two
 * multi-lead executions that lock leads in opposite orders both complete: PostgreSQL breaks the
 * deadlock and the losing transaction runs again. SQLite has one writer per file: the same
 * writes simply take turns.
 */
import type { LeadStore } from '../../core';
import { forEachBackend } from '../support/backends';
import { sleep } from '../support/delivery';

function deferred() {
	let resolve!: () => void;
	const promise = new Promise<void>((r) => (resolve = r));
	return { promise, resolve };
}

forEachBackend((backend) => {
	const open = async (n: number) => {
		const config = backend().freshConfig();
		const stores: LeadStore[] = [];
		for (let i = 0; i < n; i++) stores.push(await backend().open({}, config));
		return stores;
	};

	it('a write to another lead goes ahead of an open one; a write to the same lead waits for it, then follows it', async () => {
		const [a, b, c] = await open(3);
		const [x, y] = await a.transaction(async (t) => [(await t.createLead({ name: 'X' })).id, (await t.createLead({ name: 'Y' })).id]);
		const held = deferred();
		const moved = deferred();
		const first = a.transaction(async (t) => {
			await t.changeStage(x, 'Contacted');
			moved.resolve();
			await held.promise;
		});
		await moved.promise;
		let otherDone = false;
		let sameDone = false;
		const other = b.transaction((t) => t.changeStage(y, 'Contacted')).then(() => (otherDone = true));
		const same = c.transaction((t) => t.changeStage(x, 'Qualified')).then((r) => ((sameDone = true), r));
		await sleep(300);
		expect(sameDone).toBe(false); // the lead's row (or SQLite's file) is held
		expect(otherDone).toBe(backend().name === 'postgres'); // in parallel only where writers are
		held.resolve();
		await Promise.all([first, other]);
		const second = await same;
		// The waiting move saw the first one: it moved the lead from Contacted, not from New.
		expect(second.previousStage.name).toBe('Contacted');
		expect((await a.read((t) => t.getLead(x))).stage.name).toBe('Qualified');
	});

	it('two executions writing the same two leads in opposite orders both complete, each write once', async () => {
		const [a, b] = await open(2);
		const [x, y] = await a.transaction(async (t) => [(await t.createLead({ name: 'X' })).id, (await t.createLead({ name: 'Y' })).id]);
		const bothHoldOne = { a: deferred(), b: deferred() };
		let attempts = 0;
		// Each execution notes its first lead, waits (first attempt only, and only where writers
		// run in parallel) until the other holds its own first lead, then notes the other one.
		const execution = (store: LeadStore, me: 'a' | 'b', first: number, second: number) =>
			store.transaction(async (t) => {
				const attempt = ++attempts;
				await t.isolated(() => t.createNote(first, { content: `${me} first` }));
				if (backend().name === 'postgres' && attempt <= 2) {
					bothHoldOne[me].resolve();
					await bothHoldOne[me === 'a' ? 'b' : 'a'].promise;
				}
				await t.isolated(() => t.createNote(second, { content: `${me} second` }));
			});
		await Promise.all([execution(a, 'a', x, y), execution(b, 'b', y, x)]);
		if (backend().name === 'postgres') expect(attempts).toBe(3); // one of them ran again
		for (const lead of [x, y]) {
			const notes = (await a.read((t) => t.listNotes(lead))).map((n) => n.content).sort();
			expect(notes).toEqual(lead === x ? ['a first', 'b second'] : ['a second', 'b first']);
		}
	});

	it('an item that fails after writing is undone alone, the items around it stay (optimistic savepoints rerun the run)', async () => {
		const [store] = await open(1);
		const [x, y] = await store.transaction(async (t) => [(await t.createLead({ name: 'X' })).id, (await t.createLead({ name: 'Y' })).id]);
		let runs = 0;
		const failed: string[] = [];
		await store.transaction(async (t) => {
			runs++;
			failed.length = 0;
			await t.isolated(() => t.updateLead(x, { source: 'kept' }));
			try {
				// Writes the source, then the stage move past the loop limit throws: both must go.
				await t.isolated(() => t.updateLead(y, { source: 'undone', stage: 'Contacted' }, {}, { causationDepth: 6 }));
			} catch (error) {
				failed.push((error as Error).message);
			}
			await t.isolated(() => t.createNote(y, { content: 'after the failure' }));
		});
		expect(failed).toHaveLength(1);
		expect(failed[0]).toMatch(/stopped a loop/);
		expect(runs).toBe(2);
		const [lx, ly] = await store.read(async (t) => [await t.getLead(x), await t.getLead(y)]);
		expect([lx.source, ly.source, ly.stage.name]).toEqual(['kept', null, 'New']);
		expect((await store.read((t) => t.listNotes(y))).map((n) => n.content)).toEqual(['after the failure']);
		const updates = await store.read((t) => t.readEvents({ after: 0, types: ['lead.updated'] }));
		expect(updates.map((e) => e.leadId)).toEqual([x]);
	});
});
