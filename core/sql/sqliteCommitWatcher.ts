/**
 * Notices commits made to a SQLite file by other processes, within a few milliseconds and at no
 * CPU cost while nothing is written.
 *
 * A commit in WAL mode writes to the `-wal` file, so an fs.watch (inotify) on it wakes us; the
 * wake is confirmed with `PRAGMA data_version` on a connection of our own, which changes only when
 * another connection committed. A commit made in this process is "absorbed" (its change taken
 * as seen) when nothing foreign was pending as it began, so it does not wake the listeners a
 * second time, and a cursor save does not wake every trigger. Where
 * fs.watch is unavailable (no inotify, a network file system) data_version is polled instead.
 * Either way a wake can be missed (a file system that reports nothing): listeners keep their
 * catch-up poll.
 */
import * as fs from 'node:fs';
import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** Poll interval where fs.watch is unavailable. */
export const FALLBACK_POLL_MS = 20;

export class SqliteCommitWatcher {
	private readonly db: DatabaseSync;
	private readonly version: StatementSync;
	private seen: unknown;
	private watcher: fs.FSWatcher | undefined;
	private timer: NodeJS.Timeout | undefined;

	constructor(
		file: string,
		private readonly onForeignCommit: () => void,
	) {
		const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
		this.db = new DatabaseSync(file);
		this.db.exec('PRAGMA busy_timeout = 20');
		this.version = this.db.prepare('PRAGMA data_version');
		// The first read opens (creates) the -wal file, which the watch needs; while this
		// connection is open SQLite does not delete it.
		this.seen = this.read();
		if (!this.startWatch(file)) {
			this.timer = setInterval(() => this.check(), FALLBACK_POLL_MS);
			this.timer.unref();
		}
	}

	/** 'watch' (inotify on the -wal file) or 'poll' (data_version every FALLBACK_POLL_MS). */
	get mode(): 'watch' | 'poll' {
		return this.watcher ? 'watch' : 'poll';
	}

	/** True when no other connection committed since the last wake: read right before a local write. */
	upToDate(): boolean {
		const now = this.read();
		return now !== undefined && now === this.seen;
	}

	/**
	 * Called right after a local commit that began while upToDate(): the change is ours, so the
	 * watch event it causes is not another process's commit.
	 */
	absorb(): void {
		this.seen = this.read() ?? this.seen;
	}

	close(): void {
		this.watcher?.close();
		if (this.timer) clearInterval(this.timer);
		this.db.close();
	}

	private startWatch(file: string): boolean {
		try {
			this.watcher = fs.watch(`${file}-wal`, { persistent: false }, () => this.check());
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

	private check(): void {
		const now = this.read();
		if (now === undefined || now === this.seen) return;
		this.seen = now;
		this.onForeignCommit();
	}

	private read(): unknown {
		try {
			return (this.version.get() as { data_version: unknown }).data_version;
		} catch {
			return undefined; // busy or closing: the next wake (or the catch-up poll) covers it
		}
	}
}
