/**
 * SQLite through node:sqlite (built into Node >= 22.13: no native dependency).
 *
 * node:sqlite is synchronous, so a busy wait inside SQLite would freeze n8n's event loop.
 * Instead the busy timeout stays short and BEGIN IMMEDIATE is retried asynchronously, and
 * transactions on one connection are queued so their statements never interleave.
 */
import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import * as fs from 'node:fs';
import type { DatabaseSync as DatabaseSyncType, StatementSync } from 'node:sqlite';
import { unavailable } from '../errors';
import { BACKSTOP_PAGES, GATHER_COMMITS as START_AFTER_COMMITS, SqliteCheckpointer } from './sqliteCheckpointer';
import { EVENTS_HIGH_WATER, eventsHighWater, SqliteCommitWatcher } from './sqliteCommitWatcher';
import { afterFailedAttempt, NeedsSavepoints, optimisticSavepoint, type SqlDriver, type SqlSession, type TransactionOptions } from './SqlDriver';

export interface SqliteConfig {
	file: string;
	/** How long a writer waits for another process's write lock before giving up. */
	lockTimeoutMs?: number;
}

/**
 * One hub per database file and process: every store on the file hears every commit made here,
 * and, while anyone listens, one watcher hears the commits of other processes. Once the stores
 * here have committed a while, one checkpointer thread copies the write-ahead log back
 * (sqliteCheckpointer.ts) until the last store closes.
 */
class FileHub extends EventEmitter {
	private watcher: SqliteCommitWatcher | undefined;
	private checkpointer: SqliteCheckpointer | undefined;
	private stores = 0;
	/** Commits before the thread starts; -1: it could not start, SQLite's own checkpoint stays. */
	private commits = 0;
	private readonly connections = new Set<DatabaseSyncType>();
	constructor(private readonly file: string) {
		super();
		this.setMaxListeners(0);
	}
	/** A store opened on the file. */
	attach() {
		this.stores++;
	}
	/** A store closed: the last one ends the checkpointer. */
	async detach() {
		if (--this.stores > 0) return;
		const checkpointer = this.checkpointer;
		this.checkpointer = undefined;
		this.commits = 0;
		await checkpointer?.close();
	}
	/** A connection of a store here: its own checkpoint follows whether the thread runs. */
	register(db: DatabaseSyncType) {
		this.connections.add(db);
		this.setOwnCheckpoint(db);
	}
	/** SQLite's checkpoint in the commits: at its default, or at the backstop while the thread runs. */
	private setOwnCheckpoint(db: DatabaseSyncType) {
		db.exec(`PRAGMA wal_autocheckpoint = ${this.checkpointer ? BACKSTOP_PAGES : DEFAULT_AUTOCHECKPOINT_PAGES}`);
	}
	unregister(db: DatabaseSyncType) {
		this.connections.delete(db);
	}
	/**
	 * The thread starts with the commits, not with the store: a store that writes a little (a
	 * test, a credential check) never pays for starting one, nor waits for it on close.
	 */
	private startCheckpointer() {
		try {
			this.checkpointer = new SqliteCheckpointer(this.file);
		} catch {
			this.commits = -1; // no worker threads here: SQLite's own checkpoint in the commits
			return;
		}
		for (const db of this.connections) this.setOwnCheckpoint(db);
	}
	listen(listener: () => void) {
		this.on('events', listener);
		if (!this.watcher) {
			try {
				this.watcher = new SqliteCommitWatcher(this.file, () => this.emit('events'));
			} catch {
				// No watcher (the file cannot be opened a third time): the catch-up poll still runs.
			}
		}
	}
	unlisten(listener: () => void) {
		this.off('events', listener);
		if (this.listenerCount('events') === 0 && this.watcher) {
			this.watcher.close();
			this.watcher = undefined;
		}
	}
	/**
	 * The events' high-water mark on a connection of this process, while a watcher hears other
	 * processes (only then must a write transaction tell its own events apart); else undefined.
	 */
	eventsMark(conn: Connection): number | undefined {
		return this.watcher ? eventsHighWater(conn.prepare(EVENTS_HIGH_WATER)) : undefined;
	}
	/**
	 * Right after a commit in this process; `wroteEvents` wakes this process's listeners, and
	 * `marks` (the events' high-water mark as it began and before it committed) tell the watcher
	 * which events were its own.
	 */
	committed(wroteEvents: boolean, marks?: { before: number; after: number }) {
		if (this.checkpointer) this.checkpointer.committed();
		else if (this.commits >= 0 && ++this.commits >= START_AFTER_COMMITS) this.startCheckpointer();
		if (marks) this.watcher?.absorb(marks.before, marks.after);
		if (wroteEvents) setImmediate(() => this.emit('events'));
	}
	get watchMode() {
		return this.watcher?.mode;
	}
	private writes: Promise<unknown> = Promise.resolve();
	/**
	 * Write transactions of every store on this file in this process, one at a time. They would
	 * only take turns on SQLite's write lock anyway, but by polling it (busy, sleep, retry), which
	 * cut 8 concurrent callers to a third of one caller's rate; queued here they hand over at once.
	 */
	serializeWrite<T>(work: () => Promise<T>): Promise<T> {
		const result = this.writes.then(work);
		this.writes = result.catch(() => undefined);
		return result;
	}
}
const hubs = new Map<string, FileHub>();
const hubFor = (file: string) => {
	let hub = hubs.get(file);
	if (!hub) hubs.set(file, (hub = new FileHub(file)));
	return hub;
};

/** SQLite's own default for PRAGMA wal_autocheckpoint. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;

const SQLITE_BUSY = 5;
const isBusy = (error: unknown) =>
	(error as { errcode?: number }).errcode !== undefined &&
	((error as { errcode: number }).errcode & 0xff) === SQLITE_BUSY;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** $1 → ?1 (SQLite's numbered parameters); JS booleans → 0/1. */
const adaptSql = (sql: string) => sql.replace(/\$(\d+)/g, '?$1');
const adaptParam = (value: unknown) =>
	value === undefined ? null : typeof value === 'boolean' ? (value ? 1 : 0) : value;

/** One node:sqlite connection: its prepared statements and its queue of transactions. */
interface Connection {
	db: DatabaseSyncType;
	prepare(sql: string): StatementSync;
	/** Whether a statement may write (anything but a SELECT). */
	writes(sql: string): boolean;
	/** Transactions on one connection run one after another, so their statements never interleave. */
	enqueue<T>(work: () => Promise<T>): Promise<T>;
	idle(): Promise<unknown>;
}

function openConnection(file: string, lockTimeoutMs: number, first: boolean): Connection {
	// Loaded lazily so that merely importing the core works on Nodes without node:sqlite.
	const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
	const db = new DatabaseSync(file);
	db.exec('PRAGMA busy_timeout = 20');
	if (first) retrySync(() => db.exec('PRAGMA journal_mode = WAL'), lockTimeoutMs);
	db.exec('PRAGMA synchronous = NORMAL');
	db.exec('PRAGMA foreign_keys = ON');
	// Unicode case folding for the audience filter (SQLite's own lower() folds ASCII only).
	db.function('lead_fold', { deterministic: true }, (v) => (v === null ? null : String(v).toLowerCase()));
	const statements = new Map<string, StatementSync>();
	let queue: Promise<unknown> = Promise.resolve();
	return {
		db,
		prepare(sql) {
			let statement = statements.get(sql);
			if (!statement) {
				statement = db.prepare(adaptSql(sql));
				statements.set(sql, statement);
			}
			return statement;
		},
		writes: (sql) => !/^\s*SELECT\b/i.test(sql),
		enqueue(work) {
			const result = queue.then(work);
			queue = result.catch(() => undefined);
			return result;
		},
		idle: () => queue,
	};
}

/**
 * Two connections per store. The writer runs write transactions (BEGIN IMMEDIATE: one writer
 * per file). The reader, opened on first use, runs read-only snapshots and small bookkeeping
 * writes (trigger cursors): with WAL they never queue behind a long write transaction in this
 * process, and a bookkeeping write waits only for the file's write lock itself.
 */
export function openSqlite(config: SqliteConfig): SqlDriver {
	const file = path.resolve(config.file);
	const lockTimeoutMs = config.lockTimeoutMs ?? 15_000;
	const open = (first: boolean) => {
		try {
			if (first) fs.mkdirSync(path.dirname(file), { recursive: true });
			const conn = openConnection(file, lockTimeoutMs, first);
			hub.register(conn.db);
			return conn;
		} catch (error) {
			throw unavailable(
				`Cannot open the SQLite lead store at ${file}: ${(error as Error).message}. ` +
					'Check that the folder exists and that n8n may write to it.',
				error,
			);
		}
	};
	const hub = hubFor(file);
	const writer = open(true);
	hub.attach();
	let reader: Connection | undefined;
	const listeners = new Set<() => void>();
	let closed = false;

	/**
	 * One attempt's session. Savepoints are optimistic unless `strict` (SqlDriver.optimisticSavepoint):
	 * an item that wrote and then failed has the transaction run again with real ones. A failed
	 * statement itself leaves nothing (SQLite undoes it alone), so only completed writes count.
	 */
	const session = (conn: Connection, onEvents: () => void, strict: boolean, doom: (error: unknown) => void): SqlSession => {
		let writes = 0;
		const exec = async (sql: string) => conn.db.exec(sql);
		const args = (params: readonly unknown[]) => params.map(adaptParam) as never[];
		return {
			dialect: 'sqlite',
			all: async <T>(sql: string, params: readonly unknown[] = []) => {
				const rows = conn.prepare(sql).all(...args(params)) as T[];
				if (conn.writes(sql)) writes++;
				return rows;
			},
			get: async <T>(sql: string, params: readonly unknown[] = []) => {
				const row = conn.prepare(sql).get(...args(params)) as T | undefined;
				if (conn.writes(sql)) writes++;
				return row;
			},
			run: async (sql: string, params: readonly unknown[] = []) => {
				const changes = Number(conn.prepare(sql).run(...args(params)).changes);
				writes++;
				return changes;
			},
			runAll: async (statements) => {
				for (const [sql, params] of statements) {
					conn.prepare(sql).run(...args(params));
					writes++;
				}
			},
			savepoint: optimisticSavepoint(exec, strict, () => writes, doom),
			bulk: !strict,
			signalEvents: async () => onEvents(),
			afterRollback: () => undefined,
		};
	};

	const lockedTooLong = (error: unknown) =>
		unavailable(`The SQLite lead store at ${file} stayed locked by another writer for ${lockTimeoutMs} ms`, error);

	/** Retries `attempt` while SQLite says the file is busy, without blocking the event loop. */
	async function whileBusy<T>(attempt: () => Promise<T> | T): Promise<T> {
		const deadline = Date.now() + lockTimeoutMs;
		for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
			try {
				return await attempt();
			} catch (error) {
				if (!isBusy(error)) throw error;
				if (Date.now() > deadline) throw lockedTooLong(error);
				await sleep(wait);
			}
		}
	}

	/**
	 * Runs fn in a transaction on conn; once more, strict, if an optimistic savepoint asks for it.
	 * `locked`: begin took the write lock (BEGIN IMMEDIATE), so no other process commits until
	 * this one does, and the events' high-water marks read inside tell its own events apart.
	 */
	async function runOn<T>(conn: Connection, begin: () => unknown, fn: (s: SqlSession) => Promise<T>, locked = false) {
		for (let strict = false; ; strict = true) {
			if (closed) throw unavailable(`The SQLite lead store at ${file} is closed`);
			let wroteEvents = false;
			let doomed: unknown;
			await begin();
			const before = locked ? hub.eventsMark(conn) : undefined;
			try {
				const result = await fn(session(conn, () => (wroteEvents = true), strict, (error) => (doomed ??= error)));
				if (doomed) throw doomed;
				const after = before !== undefined && wroteEvents ? hub.eventsMark(conn) : undefined;
				conn.db.exec('COMMIT');
				hub.committed(wroteEvents, before !== undefined && after !== undefined ? { before, after } : undefined);
				return result;
			} catch (error) {
				if (conn.db.isTransaction) conn.db.exec('ROLLBACK');
				const outcome = afterFailedAttempt(error, doomed);
				if (outcome !== 'again' || strict) throw outcome === 'again' ? (doomed as NeedsSavepoints).cause : outcome;
			}
		}
	}

	const readerConnection = () => (reader ??= open(false));

	return {
		dialect: 'sqlite',
		location: `SQLite file ${file}`,
		transaction<T>(fn: (s: SqlSession) => Promise<T>, options: TransactionOptions = {}) {
			if (options.readOnly) {
				const conn = readerConnection();
				return conn.enqueue(() => runOn(conn, () => conn.db.exec('BEGIN DEFERRED'), fn));
			}
			if (options.bookkeeping) {
				// A deferred transaction that turns into a write: when another connection holds the
				// write lock (or committed since this snapshot), SQLite says busy; run it again.
				const conn = readerConnection();
				return conn.enqueue(() => whileBusy(() => runOn(conn, () => conn.db.exec('BEGIN DEFERRED'), fn)));
			}
			return writer.enqueue(() => hub.serializeWrite(() => runOn(writer, () => whileBusy(() => writer.db.exec('BEGIN IMMEDIATE')), fn, true)));
		},
		async onEventsCommitted(listener: () => void) {
			hub.listen(listener);
			listeners.add(listener);
			return async () => {
				listeners.delete(listener);
				hub.unlisten(listener);
			};
		},
		async close() {
			if (closed) return;
			closed = true;
			for (const listener of listeners) hub.unlisten(listener);
			listeners.clear();
			await Promise.all([writer.idle(), reader?.idle()]);
			for (const conn of [writer, reader]) {
				if (!conn) continue;
				hub.unregister(conn.db);
				conn.db.close();
			}
			await hub.detach();
		},
	};
}

function retrySync(fn: () => void, timeoutMs: number) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			return fn();
		} catch (error) {
			if (!isBusy(error) || Date.now() > deadline) throw error;
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
		}
	}
}
