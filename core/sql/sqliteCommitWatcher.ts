/**
 * Notices events committed to a SQLite file by other processes, within a few milliseconds and at
 * no CPU cost while nothing is written.
 *
 * A commit in WAL mode writes to the `-wal` file, so an fs.watch (inotify) on it wakes us; the
 * wake is confirmed by the events' high-water mark (the AUTOINCREMENT sequence of `events`), read
 * on a connection of our own: it moves only when a commit wrote events, so a commit that wrote
 * none (a trigger saving its cursor, here or elsewhere) wakes nobody. A write transaction of this
 * process that wrote events "absorbs" them: it reads the mark as it begins and before it commits,
 * both under the file's write lock, and if nothing foreign was pending as it began, its own events
 * are taken as seen, so they do not wake the listeners a second time. The mark is exact where
 * PRAGMA data_version was not: another process's commit that lands between this process's commit
 * and the read after it still moves the mark past what this process wrote, and wakes.
 * Where fs.watch is unavailable (no inotify, a network file system) the mark is polled instead.
 * Either way a wake can be missed (a file system that reports nothing): listeners keep their
 * catch-up poll.
 */
import * as fs from 'node:fs';
import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** Poll interval where fs.watch is unavailable. */
export const FALLBACK_POLL_MS = 20;

/**
 * After a change notice, checks again at these delays (ms). The notice comes with the other
 * process's write() to the -wal file, but its commit becomes visible only when it then updates
 * the shared-memory index (-shm, mapped memory: no notice). Should that process be descheduled
 * in between, the check at the notice sees nothing yet, and without these no notice would follow.
 */
export const RECHECK_MS = [5, 10, 20, 40, 80, 160, 320, 640];

/** The id of the newest event ever written to the file (0 before the first). */
export const EVENTS_HIGH_WATER = "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0) AS seq";

/** The events' high-water mark on a connection; undefined when SQLite cannot answer (busy, closing). */
export function eventsHighWater(statement: StatementSync): number | undefined {
	try {
		return Number((statement.get() as { seq: number }).seq);
	} catch {
		return undefined;
	}
}

export class SqliteCommitWatcher {
	private readonly db: DatabaseSync;
	private readonly highWater: StatementSync;
	private seen: number | undefined;
	private watcher: fs.FSWatcher | undefined;
	private timer: NodeJS.Timeout | undefined;
	private recheck: NodeJS.Timeout | undefined;

	constructor(
		file: string,
		private readonly onForeignEvents: () => void,
	) {
		const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
		this.db = new DatabaseSync(file);
		this.db.exec('PRAGMA busy_timeout = 20');
		this.highWater = this.db.prepare(EVENTS_HIGH_WATER);
		// The first read opens (creates) the -wal file, which the watch needs; while this
		// connection is open SQLite does not delete it.
		this.seen = eventsHighWater(this.highWater);
		if (!this.startWatch(file)) {
			this.timer = setInterval(() => this.check(), FALLBACK_POLL_MS);
			this.timer.unref();
		}
	}

	/** 'watch' (inotify on the -wal file) or 'poll' (the mark every FALLBACK_POLL_MS). */
	get mode(): 'watch' | 'poll' {
		return this.watcher ? 'watch' : 'poll';
	}

	/**
	 * After a commit in this process that wrote events: `before` and `after` are the mark as it
	 * began and before it committed, read under its write lock. Had nothing foreign been pending
	 * at `before`, every event up to `after` is this process's own, which its listeners heard of.
	 */
	absorb(before: number, after: number): void {
		if (before === this.seen) this.seen = after;
	}

	close(): void {
		this.watcher?.close();
		if (this.timer) clearInterval(this.timer);
		clearTimeout(this.recheck);
		this.db.close();
	}

	private startWatch(file: string): boolean {
		try {
			this.watcher = fs.watch(`${file}-wal`, { persistent: false }, () => this.noticed());
			this.watcher.on('error', () => {
				// The file went away (deleted by hand): fall back to polling.
				this.watcher?.close();
				this.watcher = undefined;
				this.timer ??= setInterval(() => this.check(), FALLBACK_POLL_MS);
				this.timer.unref();
			});
			return true;
		} catch {
			return false;
		}
	}

	/** A change notice: check now, then again at RECHECK_MS (a newer notice starts them over). */
	private noticed(step = 0): void {
		this.check();
		clearTimeout(this.recheck);
		if (step >= RECHECK_MS.length) return;
		this.recheck = setTimeout(() => this.noticed(step + 1), RECHECK_MS[step]);
		this.recheck.unref();
	}

	private check(): void {
		const now = eventsHighWater(this.highWater);
		if (now === undefined || now === this.seen) return;
		this.seen = now;
		this.onForeignEvents();
	}
}
