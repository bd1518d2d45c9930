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
import { savepointRunner, type SqlDriver, type SqlSession, type TransactionOptions } from './SqlDriver';

export interface SqliteConfig {
	file: string;
	/** How long a writer waits for another process's write lock before giving up. */
	lockTimeoutMs?: number;
}

// One hub per database file and process: every store on the file hears every commit.
const hubs = new Map<string, EventEmitter>();
const hubFor = (file: string) => {
	let hub = hubs.get(file);
	if (!hub) {
		hub = new EventEmitter();
		hub.setMaxListeners(0);
		hubs.set(file, hub);
	}
	return hub;
};

const SQLITE_BUSY = 5;
const isBusy = (error: unknown) =>
	(error as { errcode?: number }).errcode !== undefined &&
	((error as { errcode: number }).errcode & 0xff) === SQLITE_BUSY;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** $1 → ?1 (SQLite's numbered parameters); JS booleans → 0/1. */
const adaptSql = (sql: string) => sql.replace(/\$(\d+)/g, '?$1');
const adaptParam = (value: unknown) =>
	value === undefined ? null : typeof value === 'boolean' ? (value ? 1 : 0) : value;

export function openSqlite(config: SqliteConfig): SqlDriver {
	const file = path.resolve(config.file);
	const lockTimeoutMs = config.lockTimeoutMs ?? 15_000;
	let db: DatabaseSyncType;
	try {
		fs.mkdirSync(path.dirname(file), { recursive: true });
		// Loaded lazily so that merely importing the core works on Nodes without node:sqlite.
		const { DatabaseSync } = require('node:sqlite') as typeof import('node:sqlite');
		db = new DatabaseSync(file);
		db.exec('PRAGMA busy_timeout = 20');
		retrySync(() => db.exec('PRAGMA journal_mode = WAL'), lockTimeoutMs);
		db.exec('PRAGMA synchronous = NORMAL');
		db.exec('PRAGMA foreign_keys = ON');
		// Unicode case folding for the audience filter (SQLite's own lower() folds ASCII only).
		db.function('lead_fold', { deterministic: true }, (v) => (v === null ? null : String(v).toLowerCase()));
	} catch (error) {
		throw unavailable(
			`Cannot open the SQLite lead store at ${file}: ${(error as Error).message}. ` +
				'Check that the folder exists and that n8n may write to it.',
			error,
		);
	}
	const hub = hubFor(file);
	const statements = new Map<string, StatementSync>();
	const prepare = (sql: string) => {
		let statement = statements.get(sql);
		if (!statement) {
			statement = db.prepare(adaptSql(sql));
			statements.set(sql, statement);
		}
		return statement;
	};
	let queue: Promise<unknown> = Promise.resolve();
	let closed = false;

	const session = (onEvents: () => void): SqlSession => {
		const exec = async (sql: string) => db.exec(sql);
		return {
			dialect: 'sqlite',
			all: async <T>(sql: string, params: readonly unknown[] = []) =>
				prepare(sql).all(...(params.map(adaptParam) as never[])) as T[],
			get: async <T>(sql: string, params: readonly unknown[] = []) =>
				prepare(sql).get(...(params.map(adaptParam) as never[])) as T | undefined,
			run: async (sql: string, params: readonly unknown[] = []) =>
				Number(prepare(sql).run(...(params.map(adaptParam) as never[])).changes),
			savepoint: savepointRunner(exec),
			signalEvents: async () => onEvents(),
		};
	};

	async function begin(readOnly: boolean) {
		if (readOnly) return db.exec('BEGIN DEFERRED');
		const deadline = Date.now() + lockTimeoutMs;
		for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
			try {
				return db.exec('BEGIN IMMEDIATE');
			} catch (error) {
				if (!isBusy(error) || Date.now() > deadline) {
					throw isBusy(error)
						? unavailable(`The SQLite lead store at ${file} stayed locked by another writer for ${lockTimeoutMs} ms`, error)
						: error;
				}
				await sleep(wait);
			}
		}
	}

	async function runTransaction<T>(fn: (s: SqlSession) => Promise<T>, options: TransactionOptions) {
		if (closed) throw unavailable(`The SQLite lead store at ${file} is closed`);
		let wroteEvents = false;
		await begin(options.readOnly === true);
		try {
			const result = await fn(session(() => (wroteEvents = true)));
			db.exec('COMMIT');
			if (wroteEvents) setImmediate(() => hub.emit('events'));
			return result;
		} catch (error) {
			if (db.isTransaction) db.exec('ROLLBACK');
			throw error;
		}
	}

	return {
		dialect: 'sqlite',
		location: `SQLite file ${file}`,
		transaction<T>(fn: (s: SqlSession) => Promise<T>, options: TransactionOptions = {}) {
			const result = queue.then(() => runTransaction(fn, options));
			queue = result.catch(() => undefined);
			return result;
		},
		async onEventsCommitted(listener: () => void) {
			hub.on('events', listener);
			return async () => void hub.off('events', listener);
		},
		async close() {
			if (closed) return;
			closed = true;
			await queue;
			db.close();
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
