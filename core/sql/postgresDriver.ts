/**
 * PostgreSQL through pg. A pool for work, plus one dedicated LISTEN connection (opened when a
 * trigger first listens) that turns NOTIFYs into wake-ups.
 */
import { createHash } from 'node:crypto';
import { Client, Pool, Query, types, type ClientConfig, type Connection, type PoolClient, type QueryConfig, type QueryResult } from 'pg';
import { conflict, unavailable } from '../errors';
import {
	afterFailedAttempt,
	combineWrites,
	NeedsSavepoints,
	optimisticSavepoint,
	type SqlDriver,
	type SqlSession,
	type Statement,
	type TransactionOptions,
} from './SqlDriver';

export interface PostgresConfig {
	host: string;
	port: number;
	database: string;
	user: string;
	password?: string;
	ssl?: boolean | { rejectUnauthorized: boolean };
	/** All tables live in this schema; created on first use. */
	schema?: string;
	maxConnections?: number;
	connectTimeoutMs?: number;
}

// Ids and epoch-millisecond times are BIGINT; they fit a JS number well before 2^53.
const INT8 = 20;
const typeParsers = {
	getTypeParser: ((oid: number, format?: string) =>
		oid === INT8 ? (value: string) => Number(value) : types.getTypeParser(oid, format as 'text')) as typeof types.getTypeParser,
};

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Data statements go as named prepared statements: each connection parses and plans one once,
 * then only binds. Round trips dominate here, and so does re-parsing. The name is a hash of the
 * text, so one name never stands for two statements.
 */
const PREPARABLE = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i;
const names = new Map<string, string>();
function statement(text: string, params: readonly unknown[]): QueryConfig {
	if (!PREPARABLE.test(text)) return { text, values: params as unknown[] };
	let name = names.get(text);
	if (!name) {
		name = `lead_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
		names.set(text, name);
	}
	return { name, text, values: params as unknown[] };
}

/** What node-pg's Query does inside (lib/query.js), which openingQuery builds on. */
interface QueryInternals {
	requiresPreparation(): boolean;
	prepare(connection: Connection): void;
}
type WireConnection = Connection & {
	parse(msg: { text: string; name: string; types: unknown[] }): void;
	bind(msg: { portal: string; statement: string; values: unknown[] }): void;
	execute(msg: { portal: string; rows: number }): void;
};

/** Whether this node-pg's Query has the internals openingQuery builds on (else BEGIN goes alone). */
const pipelinesBegin = ['prepare', 'requiresPreparation'].every((m) => typeof (Query.prototype as unknown as Record<string, unknown>)[m] === 'function');

/**
 * A transaction's first statement, sent with the BEGIN that opens it: both go out in one write and
 * come back in one round trip (the extended protocol runs them in order up to its one Sync), so a
 * transaction costs one round trip less. node-pg answers with both results; this gives the
 * statement's. A failing statement leaves the transaction open and failed, as after a BEGIN of its
 * own, and the caller rolls it back as always.
 */
async function openingQuery(client: PoolClient, config: QueryConfig, begin: string): Promise<QueryResult> {
	if (!pipelinesBegin) {
		await client.query(begin);
		return client.query(config);
	}
	return new Promise((resolve, reject) => {
		const query = new Query(config, (error: Error | undefined, results: unknown) => {
			if (error) reject(error);
			else resolve((Array.isArray(results) ? results[results.length - 1] : results) as QueryResult);
		});
		const inside = query as unknown as QueryInternals;
		const prepare = inside.prepare.bind(query);
		inside.requiresPreparation = () => true;
		inside.prepare = (connection: Connection) => {
			const wire = connection as WireConnection;
			wire.parse({ text: begin, name: '', types: [] });
			wire.bind({ portal: '', statement: '', values: [] });
			wire.execute({ portal: '', rows: 0 });
			prepare(connection);
		};
		client.query(query);
	});
}

/** The transaction's id, for the NOTIFY that tells listeners its events have committed. */
const XID = 'pg_current_xact_id()::text';
/** The column statementAlone adds to a statement's rows for its transaction's id. */
const XID_COLUMN = 'lead_commit_xid';

export function openPostgres(config: PostgresConfig): SqlDriver {
	const schema = config.schema?.trim() || 'public';
	if (!SCHEMA_NAME.test(schema)) {
		throw unavailable(`PostgreSQL schema "${schema}" is not a plain identifier (letters, digits, _)`);
	}
	const location = `PostgreSQL ${config.database}@${config.host}:${config.port} schema ${schema}`;
	const clientConfig: ClientConfig = {
		host: config.host,
		port: config.port,
		database: config.database,
		user: config.user,
		password: config.password,
		ssl: config.ssl,
		connectionTimeoutMillis: config.connectTimeoutMs ?? 5_000,
		options: `-c search_path=${schema}`,
		// Names the connections in pg_stat_activity, so an operator sees whose they are.
		application_name: `n8n-lead-store:${schema}`.slice(0, 63),
		types: typeParsers,
	};
	const pool = new Pool({ ...clientConfig, max: config.maxConnections ?? 10 });
	// An idle client dying (server restart) must not crash n8n; the next query reconnects.
	pool.on('error', () => undefined);
	const channel = `lead_events_${schema}`.slice(0, 63);

	const connect = async (): Promise<PoolClient> => {
		try {
			return await pool.connect();
		} catch (error) {
			throw unavailable(`Cannot reach ${location}: ${describeConnectError(error)}`, error);
		}
	};

	/**
	 * One transaction's session. A deadlock or serialization failure dooms the whole transaction
	 * even when a savepoint caught it (an item under "continue on fail"): it is rolled back and
	 * run again, never committed with that item reported as failed.
	 *
	 * Savepoints are optimistic unless `strict` (SqlDriver.optimisticSavepoint): an item that
	 * wrote, or whose statement failed (PostgreSQL then refuses the rest of the transaction),
	 * and then failed, has the transaction run again with real savepoints.
	 */
	const session = (
		client: PoolClient,
		markEvents: () => Promise<void>,
		doom: (error: unknown) => void,
		strict: boolean,
		giveBack: Statement[],
		opening: { begin: string | undefined },
	): SqlSession => {
		let dirt = 0; // writes sent and statements failed
		const query = async (config: QueryConfig) => {
			if (!/^\s*SELECT\b/i.test(config.text)) dirt++;
			const begin = opening.begin;
			opening.begin = undefined;
			try {
				return begin ? await openingQuery(client, config, begin) : await client.query(config);
			} catch (error) {
				dirt++;
				if (retryable(error)) doom(error);
				throw error;
			}
		};
		return {
			dialect: 'postgres',
			all: async <T>(sql: string, params: readonly unknown[] = []) => (await query(statement(sql, params))).rows as T[],
			get: async <T>(sql: string, params: readonly unknown[] = []) => (await query(statement(sql, params))).rows[0] as T | undefined,
			run: async (sql: string, params: readonly unknown[] = []) => (await query(statement(sql, params))).rowCount ?? 0,
			runAll: async (statements) => {
				if (statements.length === 0) return;
				const [sql, params] = combineWrites(statements);
				await query(statement(sql, params));
			},
			savepoint: optimisticSavepoint((sql) => query({ text: sql }), strict, () => dirt, doom),
			bulk: !strict,
			signalEvents: markEvents,
			afterRollback: (st) => void giveBack.push(st),
		};
	};

	/** One attempt at a transaction. */
	async function once<T>(fn: (s: SqlSession) => Promise<T>, options: TransactionOptions, strict: boolean): Promise<T> {
		if (closed) throw unavailable(`${location} is closed`);
		const client = await connect();
		let notified = false;
		let doomed: unknown;
		const giveBack: Statement[] = [];
		const markEvents = async () => {
			notified = true;
		};
		// BEGIN goes with the transaction's first statement (openingQuery); none, no transaction.
		const opening = { begin: options.readOnly ? 'BEGIN READ ONLY' : 'BEGIN' } as { begin: string | undefined };
		try {
			const result = await fn(session(client, markEvents, (error) => (doomed ??= error), strict, giveBack, opening));
			if (doomed) throw doomed;
			if (opening.begin) {
				// Nothing was sent: nothing to commit.
			} else if (notified) {
				// The transaction's id rides with the COMMIT (one round trip); listeners learn of it
				// from a NOTIFY sent after the commit (announceCommit), not in the transaction.
				const [xid] = (await client.query(`SELECT ${XID} AS xid; COMMIT`)) as unknown as [{ rows: Array<{ xid: string }> }];
				announceCommit(Number(xid.rows[0].xid));
			} else {
				await client.query('COMMIT');
			}
			client.release();
			return result;
		} catch (error) {
			try {
				if (!opening.begin) await client.query('ROLLBACK');
				// A migration by a newer version elsewhere can outdate this connection's prepared
				// statements ("cached plan must not change result type"): drop the connection so
				// the next transaction prepares afresh.
				client.release((error as { code?: string }).code === '0A000');
			} catch {
				client.release(true); // the connection itself is broken: drop it
			}
			if (giveBack.length > 0) {
				// On its own, committed at once (best effort: a server that is gone takes them with it).
				const [sql, params] = combineWrites(giveBack);
				await pool.query(statement(sql, params)).catch(() => undefined);
			}
			const outcome = afterFailedAttempt(error, doomed);
			throw outcome === 'again' ? doomed : outcome === error ? mapConnectionError(error, location) : outcome;
		}
	}

	/**
	 * Tells every listener (this process's and others', LISTEN/NOTIFY) that a transaction that
	 * wrote events has committed, naming the newest such transaction. Sent after the commit:
	 * a NOTIFY inside a transaction takes a database-wide lock from the NOTIFY to the end of the
	 * commit's flush, so every writer that notified would wait for the one before it. The first
	 * commit after a quiet spell is announced at once; while one NOTIFY is on its way and for
	 * NOTIFY_GAP_MS after it, later commits wait and share the next, so a busy writer sends a few
	 * hundred a second at most, not one per commit. This process's own listeners hear at once.
	 * A NOTIFY lost with the process is covered by the listeners' poll.
	 */
	let announcing: Promise<void> | undefined;
	let toAnnounce = 0;
	function announceCommit(xid: number) {
		heard(xid);
		toAnnounce = Math.max(toAnnounce, xid);
		if (announcing) return;
		announcing = (async () => {
			while (toAnnounce > 0) {
				const payload = String(toAnnounce);
				toAnnounce = 0;
				// The channel is a checked identifier.
				await pool.query(`SELECT pg_notify('${channel}', $1)`, [payload]).catch(() => undefined);
				if (!closed) await new Promise((resolve) => setTimeout(resolve, NOTIFY_GAP_MS));
			}
		})().finally(() => (announcing = undefined));
	}

	const listeners = new Set<() => void>();
	let listener: Client | undefined;
	let reconnectTimer: NodeJS.Timeout | undefined;
	let closed = false;
	const wakeAll = () => listeners.forEach((fn) => fn());

	/**
	 * A reader takes a committed event only once every older transaction on the server has ended
	 * (store/events.ts), so a NOTIFY can come before its events are readable. The listener then
	 * watches the server's horizon and wakes everyone again once it passes the notified
	 * transaction: no trigger waits for its catch-up poll because another session was slow.
	 */
	let unsettled = 0; // the highest notified transaction id not known to be settled
	let settleTimer: NodeJS.Timeout | undefined;
	function watchHorizon(client: Client, delayMs = 2) {
		if (settleTimer || closed) return;
		settleTimer = setTimeout(async () => {
			settleTimer = undefined;
			if (listener !== client || unsettled === 0) return;
			try {
				const { rows } = await client.query('SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS horizon');
				if (Number(rows[0].horizon) > unsettled) {
					unsettled = 0;
					wakeAll();
				} else {
					watchHorizon(client, Math.min(delayMs * 2, 50));
				}
			} catch {
				// The LISTEN connection failed: its error handler reconnects; the poll covers the gap.
			}
		}, delayMs);
		settleTimer.unref?.();
	}

	/** A transaction that wrote events committed (told by NOTIFY, or by this process itself). */
	function heard(xid: number) {
		if (!listener) return;
		wakeAll();
		if (Number.isSafeInteger(xid) && xid > unsettled) {
			unsettled = xid;
			watchHorizon(listener);
		}
	}

	async function startListening() {
		if (listener || closed) return;
		const client = new Client(clientConfig);
		listener = client;
		client.on('notification', (message) => heard(Number(message.payload)));
		client.on('error', () => {
			// Lost the LISTEN connection: pollers keep delivering; reconnect in the background.
			if (listener === client) listener = undefined;
			void client.end().catch(() => undefined);
			scheduleReconnect();
		});
		try {
			await client.connect();
			await client.query(`LISTEN "${channel}"`);
		} catch (error) {
			if (listener === client) listener = undefined;
			void client.end().catch(() => undefined);
			throw unavailable(`Cannot listen on ${location}: ${describeConnectError(error)}`, error);
		}
	}

	function scheduleReconnect() {
		if (closed || reconnectTimer || listeners.size === 0) return;
		reconnectTimer = setTimeout(() => {
			reconnectTimer = undefined;
			startListening().catch(scheduleReconnect);
		}, 1_000);
	}

	return {
		dialect: 'postgres',
		location,
		setup: [`CREATE SCHEMA IF NOT EXISTS "${schema}"`],
		async transaction<T>(fn: (s: SqlSession) => Promise<T>, options: TransactionOptions = {}) {
			let strict = false;
			for (let attempt = 1; ; attempt++) {
				try {
					return await once(fn, options, strict);
				} catch (error) {
					if (error instanceof NeedsSavepoints && !strict) {
						strict = true; // an item failed after writing: again, each item in a real savepoint
						attempt--;
						continue;
					}
					if (!retryable(error)) throw error instanceof NeedsSavepoints ? error.cause : error;
					if (attempt >= MAX_ATTEMPTS) {
						throw conflict(
							undefined,
							`${location}: this write deadlocked with other writers ${attempt} times in a row and was rolled back, nothing of it written; run it again`,
						);
					}
					await pauseBeforeRetry(attempt);
				}
			}
		},
		async statementAlone<T>(sql: string, params: readonly unknown[], options: { events: boolean }): Promise<T[]> {
			for (let attempt = 1; ; attempt++) {
				if (closed) throw unavailable(`${location} is closed`);
				const client = await connect();
				try {
					// The transaction's id comes back as one more column of the statement's rows.
					const text = options.events ? `SELECT q.*, ${XID} AS ${XID_COLUMN} FROM (${sql}) AS q` : sql;
					const { rows } = await client.query(statement(text, params));
					client.release();
					if (!options.events) return rows as T[];
					// No row names no id: this process's listeners are woken all the same.
					const xid = rows.length > 0 ? Number(rows[0][XID_COLUMN]) : 0;
					announceCommit(xid);
					for (const row of rows) delete row[XID_COLUMN];
					return rows as T[];
				} catch (error) {
					// A server error leaves the connection fine (but for outdated prepared statements, as in
					// transaction()); anything else (a broken socket) drops it.
					const server = typeof (error as { severity?: unknown }).severity === 'string';
					client.release(!server || (error as { code?: string }).code === '0A000');
					// Rolled back by the server: a deadlock can simply run again.
					if (!retryable(error) || attempt >= MAX_ATTEMPTS) throw mapConnectionError(error, location);
					await pauseBeforeRetry(attempt);
				}
			}
		},
		async onEventsCommitted(fn: () => void) {
			listeners.add(fn);
			try {
				await startListening();
			} catch (error) {
				listeners.delete(fn);
				throw error;
			}
			return async () => {
				listeners.delete(fn);
				if (listeners.size === 0 && listener) {
					const client = listener;
					listener = undefined;
					await client.end().catch(() => undefined);
				}
			};
		},
		async close() {
			if (closed) return;
			await announcing; // the last commits' NOTIFY goes out before the pool closes
			closed = true;
			clearTimeout(reconnectTimer);
			clearTimeout(settleTimer);
			listeners.clear();
			await listener?.end().catch(() => undefined);
			await pool.end();
		},
	};
}

/** The least time between two NOTIFYs of one store while its writers commit (see announceCommit). */
const NOTIFY_GAP_MS = 2;

/** Deadlock detected, serialization failure: the transaction as a whole can simply run again. */
const RETRYABLE = new Set(['40P01', '40001']);
const retryable = (error: unknown) => RETRYABLE.has((error as { code?: string }).code ?? '');
const MAX_ATTEMPTS = 5;
/** Both sides of a deadlock may retry: a random pause keeps them from meeting again. */
const pauseBeforeRetry = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', '57P01', '57P03', '08006', '08001', '08004', '28P01', '28000', '3D000']);

function mapConnectionError(error: unknown, location: string) {
	const code = (error as { code?: string }).code;
	if (code && CONNECTION_CODES.has(code)) {
		return unavailable(`Lost ${location}: ${describeConnectError(error)}`, error);
	}
	return error;
}

function describeConnectError(error: unknown): string {
	const e = error as { code?: string; message?: string };
	switch (e.code) {
		case 'ECONNREFUSED':
			return 'connection refused (is the server running, and on that port?)';
		case 'ENOTFOUND':
			return 'host name not found';
		case '28P01':
		case '28000':
			return `authentication failed: ${e.message}`;
		case '3D000':
			return `the database does not exist: ${e.message}`;
		default:
			return e.message || String(error);
	}
}
