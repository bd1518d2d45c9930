/**
 * SQLite: the write-ahead log is copied back into the database file by a thread of the store's
 * own (core/sql/sqliteCheckpointer.ts), not inside the commits of n8n's event loop. What a user
 * sees: the data reaches the database file while the commits stay below SQLite's own threshold,
 * the -wal file stays short under a steady writer, and closing the stores leaves no -wal behind.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openLeadStore, type LeadStore } from '../../core';
import { BACKSTOP_PAGES, GATHER_COMMITS, RESTART_PAGES } from '../../core/sql/sqliteCheckpointer';
import { sleep, waitFor } from '../support/delivery';

const PAGE_FRAME = 4096 + 24; // a WAL frame: the page and its header
const sizeOf = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : 0);
const leadNames = async (store: LeadStore) =>
	(await store.driver.transaction((s) => s.all<{ name: string }>('SELECT name FROM leads ORDER BY name'), { readOnly: true })).map((r) => r.name);

describe('[sqlite] the checkpointer thread', () => {
	let dir: string;
	const open: LeadStore[] = [];
	const openStore = async (file: string) => {
		const store = await openLeadStore({ backend: 'sqlite', file });
		open.push(store);
		return store;
	};
	beforeEach(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-checkpoint-'));
	});
	afterEach(async () => {
		await Promise.all(open.splice(0).map((s) => s.close()));
		fs.rmSync(dir, { recursive: true, force: true });
	});

	it('copies committed writes into the database file although no commit reached SQLite\'s own threshold', async () => {
		const file = path.join(dir, 'leads.sqlite');
		const store = await openStore(file);
		const ownCheckpoint = async () =>
			Number((await store.driver.transaction((s) => s.get<{ wal_autocheckpoint: number }>('PRAGMA wal_autocheckpoint')))?.wal_autocheckpoint);
		// A store that has written little runs no thread: SQLite checkpoints in its commits.
		expect(await ownCheckpoint()).toBe(1_000);
		const write = async (from: number, count: number) => {
			for (let i = from; i < from + count; i++) await store.transaction((t) => t.createLead({ name: `Lead ${i}`, email: `lead${i}@example.com` }));
		};
		await write(0, GATHER_COMMITS);
		// Now the thread runs, and the commits themselves would checkpoint only past the backstop.
		expect(await ownCheckpoint()).toBe(BACKSTOP_PAGES);
		const before = sizeOf(file);
		await write(GATHER_COMMITS, 200);
		// Far fewer frames than the backstop were written since, so only the thread can have copied them.
		expect(sizeOf(`${file}-wal`) / PAGE_FRAME).toBeLessThan(BACKSTOP_PAGES);
		await waitFor(() => sizeOf(file) > before, 'the database file to grow', 10_000);
		expect(sizeOf(file)).toBeGreaterThan(before);
		expect(await leadNames(store)).toHaveLength(GATHER_COMMITS + 200);
	}, 30_000);

	it('keeps the -wal file short under a steady writer instead of letting it grow to the backstop', async () => {
		const file = path.join(dir, 'leads.sqlite');
		const store = await openStore(file);
		let largest = 0;
		let frames = 0;
		// Enough writes that, never copied back, the log would pass the backstop.
		for (let i = 0; frames < BACKSTOP_PAGES * 1.5; i++) {
			await store.transaction((t) => t.createLead({ name: `Lead ${i}`, email: `lead${i}@example.com` }));
			const wal = sizeOf(`${file}-wal`);
			largest = Math.max(largest, wal);
			frames += 8; // what one lead's commit writes at least (pages of the lead, its event and their indexes)
			await sleep(2);
		}
		expect(largest / PAGE_FRAME).toBeLessThan(RESTART_PAGES * 3);
	}, 120_000);

	it('lives as long as a store is open on the file: the last close ends it and leaves no -wal behind', async () => {
		const file = path.join(dir, 'leads.sqlite');
		const first = await openStore(file);
		const second = await openStore(file);
		const before = sizeOf(file);
		// Enough commits for the thread to checkpoint (its connection then has the log open).
		for (let i = 0; i <= GATHER_COMMITS; i++) await first.transaction((t) => t.createLead({ name: `One ${i}` }));
		await waitFor(() => sizeOf(file) > before, 'the database file to grow', 10_000);
		expect(sizeOf(file)).toBeGreaterThan(before);
		await first.close();
		await second.transaction((t) => t.createLead({ name: 'Two' }));
		expect(fs.existsSync(`${file}-wal`)).toBe(true);
		await second.close();
		// SQLite removes the log when its last connection closes: the thread's too.
		expect(fs.existsSync(`${file}-wal`)).toBe(false);
		const again = await openStore(file);
		expect(await leadNames(again)).toHaveLength(GATHER_COMMITS + 2);
	});
});
