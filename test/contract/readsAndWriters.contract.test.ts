/**
 * Reads and bookkeeping do not queue behind the event writers: while a write transaction is
 * open (a long multi-item execution, say), pickers, get / get many and manual samples still
 * answer, and a trigger's cursor save does not wait for that writer.
 */
import { forEachBackend } from '../support/backends';

function deferred() {
	let resolve!: () => void;
	const promise = new Promise<void>((r) => (resolve = r));
	return { promise, resolve };
}

forEachBackend((backend) => {
	it('answers a read while a write transaction is open, and sees only committed data', async () => {
		const store = await backend().open();
		const existing = await store.transaction((t) => t.createLead({ name: 'Committed' }));
		const hold = deferred();
		const started = deferred();
		const writing = store.transaction(async (t) => {
			await t.createLead({ name: 'Uncommitted' });
			started.resolve();
			await hold.promise;
		});
		await started.promise;
		const page = await store.read((t) => t.findLeads({}));
		expect(page.items.map((l) => l.name)).toEqual(['Committed']);
		expect((await store.read((t) => t.getLead(existing.id))).name).toBe('Committed');
		hold.resolve();
		await writing;
		expect((await store.read((t) => t.findLeads({}))).items.map((l) => l.name)).toEqual(['Committed', 'Uncommitted']);
	});

	it('saves a cursor while an event writer is open', async () => {
		const store = await backend().open();
		const sub = await store.transaction((t) => t.openSubscription({ workflowId: 'wf', nodeId: 'n', kind: 'lead.created', startFrom: 'now' }));
		const hold = deferred();
		const started = deferred();
		const writing = store.transaction(async (t) => {
			await t.createLead({ name: 'Slow writer' });
			started.resolve();
			await hold.promise;
		});
		await started.promise;
		const { saveCursor } = await import('../../core/store/subscriptions');
		const saving = store.bookkeeping((t) => saveCursor(t.tx, sub.id, { xid: 0, id: 5 }));
		if (backend().name === 'postgres') {
			// Row locks only: the save commits while the event writer is still open.
			await saving;
			expect((await store.read((t) => t.findSubscription('wf', 'n')))!.cursor).toEqual({ xid: 0, id: 5 });
			hold.resolve();
		} else {
			// One writer per SQLite file: the save waits for the file's lock, not for a queue, and lands.
			setTimeout(hold.resolve, 50);
			await saving;
		}
		await writing;
		expect((await store.read((t) => t.findSubscription('wf', 'n')))!.cursor).toEqual({ xid: 0, id: 5 });
	});
});
