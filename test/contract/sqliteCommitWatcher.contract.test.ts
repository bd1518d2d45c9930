/**
 * SQLite: another process's events wake this process's triggers (core/sql/sqliteCommitWatcher.ts)
 * however its commit interleaves with this process's own writes, and this process's own writes
 * that carry no events (a trigger saving its cursor) wake nobody. Seen in CI before: the last of
 * five leads another process wrote was taken for this process's own cursor save, and its trigger
 * slept until its catch-up poll.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openLeadStore, type LeadStore } from '../../core';
import { sleep, waitFor } from '../support/delivery';

/** A connection of its own on the file: to SQLite and to the watcher, another process. */
function otherProcess(file: string): DatabaseSync {
	const db = new DatabaseSync(file);
	db.exec('PRAGMA busy_timeout = 0');
	return db;
}

const otherEvent = `INSERT INTO events (type, lead_id, occurred_at, actor, data) VALUES ('lead.created', 1, 0, '{"kind":"system"}', '{}')`;

describe('[sqlite] the commit watcher', () => {
	let dir: string;
	let file: string;
	let store: LeadStore;
	let other: DatabaseSync;
	let wakes: number;
	let stop: () => Promise<void>;
	beforeEach(async () => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-watch-'));
		file = path.join(dir, 'leads.sqlite');
		store = await openLeadStore({ backend: 'sqlite', file });
		await store.driver.transaction((s) => s.run('CREATE TABLE probe (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)'));
		await store.driver.transaction((s) => s.run('INSERT INTO probe (id, n) VALUES (1, 0)'));
		other = otherProcess(file);
		stop = await store.driver.onEventsCommitted(() => wakes++);
		await sleep(100); // any wake from the set-up has come and gone
		wakes = 0;
	});
	afterEach(async () => {
		await stop();
		other.close();
		await store.close();
		fs.rmSync(dir, { recursive: true, force: true });
	});

	it('wakes the listeners for another process\'s events that commit inside this process\'s cursor save', async () => {
		// The other commit lands after the save began and before it writes, with no turn of the
		// event loop between (as when this process is descheduled there): the save's commit must
		// not be taken to account for it.
		await store.driver.transaction(
			async (s) => {
				other.exec(otherEvent);
				await s.run('UPDATE probe SET n = n + 1 WHERE id = 1');
			},
			{ bookkeeping: true },
		);
		await waitFor(() => wakes > 0, 'a wake for the other process\'s events', 3_000);
		expect(wakes).toBeGreaterThan(0);
	}, 20_000);

	it('wakes nobody for this process\'s cursor saves, and wakes for another process\'s events after them', async () => {
		for (let i = 0; i < 5; i++) await store.driver.transaction((s) => s.run('UPDATE probe SET n = n + 1 WHERE id = 1'), { bookkeeping: true });
		other.exec('UPDATE probe SET n = n + 1 WHERE id = 1'); // another process's write with no events in it
		await sleep(300);
		expect(wakes).toBe(0);
		other.exec(otherEvent);
		await waitFor(() => wakes > 0, 'a wake for the other process\'s events', 3_000);
		expect(wakes).toBeGreaterThan(0);
	}, 20_000);
});
