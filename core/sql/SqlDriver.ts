/**
 * The little the store needs from a SQL database. SQL is written once, with $1-style
 * placeholders; each driver adapts it to its engine.
 */
export type Dialect = 'sqlite' | 'postgres';

export type Statement = readonly [sql: string, params: readonly unknown[]];

export interface SqlSession {
	readonly dialect: Dialect;
	all<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
	get<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
	/** Runs a statement; resolves to the number of rows it changed. */
	run(sql: string, params?: readonly unknown[]): Promise<number>;
	/**
	 * Runs independent writes (INSERT / UPDATE / DELETE, none reading another's effect) together:
	 * on PostgreSQL as one statement (data-modifying CTEs: one round trip), on SQLite in turn.
	 */
	runAll(statements: readonly Statement[]): Promise<void>;
	/** Runs fn in a savepoint: if fn throws, its writes are undone and the transaction goes on. */
	savepoint<T>(fn: () => Promise<T>): Promise<T>;
	/**
	 * Whether one statement may write many items' changes at once. False when the transaction
	 * runs again item by item, each in a real savepoint, because an item failed after writing:
	 * then each item's own error must come from its own statements.
	 */
	readonly bulk: boolean;
	/** Says that this transaction wrote events, so listeners are woken once it commits. */
	signalEvents(): Promise<void>;
	/**
	 * A write to make, outside this transaction, if it does not commit: for what a rollback does
	 * not undo (a PostgreSQL sequence's numbers). On SQLite a rollback undoes everything: unused.
	 */
	afterRollback(statement: Statement): void;
}

export interface TransactionOptions {
	/** A read-only transaction never waits for writers (SQLite: a deferred BEGIN). */
	readOnly?: boolean;
	/**
	 * A small write of delivery bookkeeping (a trigger's cursor) that writes no events: it must
	 * not queue behind the event writers, and must be safe to run again (SQLite retries it when
	 * the file is busy).
	 */
	bookkeeping?: boolean;
}

export interface SqlDriver {
	readonly dialect: Dialect;
	/** Where the data lives, for messages: "SQLite file /x.sqlite", "PostgreSQL db@host:5432/schema". */
	readonly location: string;
	/** Statements the migrator runs first, under its lock (PostgreSQL: create the schema). */
	readonly setup?: string[];
	transaction<T>(fn: (session: SqlSession) => Promise<T>, options?: TransactionOptions): Promise<T>;
	/**
	 * PostgreSQL only: one statement as a transaction of its own, committed when it answers, in one
	 * round trip (no BEGIN, no COMMIT). For a query that is atomic by itself and whose caller needs
	 * nothing else in its transaction. `events`: it writes events (listeners are woken); it then
	 * runs as a subquery, so its writes must happen in functions it calls (PostgreSQL allows a
	 * data-modifying WITH only at the top level).
	 */
	statementAlone?<T = Record<string, unknown>>(sql: string, params: readonly unknown[], options: { events: boolean }): Promise<T[]>;
	/**
	 * Calls listener soon after any transaction that wrote events commits, in this process or
	 * (PostgreSQL) in any other. Listeners must still poll: a signal may be missed.
	 */
	onEventsCommitted(listener: () => void): Promise<() => Promise<void>>;
	close(): Promise<void>;
}

/** Runs fn with savepoint names that stay unique within one transaction. */
export function savepointRunner(exec: (sql: string) => Promise<unknown>) {
	let depth = 0;
	return async <T>(fn: () => Promise<T>): Promise<T> => {
		const name = `sp_${++depth}`;
		await exec(`SAVEPOINT ${name}`);
		try {
			const result = await fn();
			await exec(`RELEASE SAVEPOINT ${name}`);
			return result;
		} catch (error) {
			await exec(`ROLLBACK TO SAVEPOINT ${name}`);
			await exec(`RELEASE SAVEPOINT ${name}`);
			throw error;
		} finally {
			depth--;
		}
	};
}

/** An optimistic savepoint's work failed after writing: the transaction runs again with real ones. */
export class NeedsSavepoints extends Error {
	constructor(readonly cause: unknown) {
		super('an item failed after writing; running the transaction again with savepoints');
	}
}

/**
 * SqlSession.savepoint for one attempt at a transaction. Savepoints cost statements per item,
 * so unless `strict` the outermost one is optimistic: nothing is sent, and if its work fails
 * having left nothing to undo (`dirt()` unchanged: bad input caught before any write, the
 * common failure) nothing needs undoing. If it fails after a write, `doom` gets a
 * NeedsSavepoints, and the driver runs the transaction again from the start, strict: each
 * item in a real savepoint.
 */
export function optimisticSavepoint(
	exec: (sql: string) => Promise<unknown>,
	strict: boolean,
	dirt: () => number,
	doom: (error: NeedsSavepoints) => void,
) {
	const real = savepointRunner(exec);
	let depth = 0;
	return async <T>(fn: () => Promise<T>): Promise<T> => {
		if (strict || depth > 0) return real(fn);
		const before = dirt();
		depth++;
		try {
			return await fn();
		} catch (error) {
			if (dirt() !== before) doom(new NeedsSavepoints(error));
			throw error;
		} finally {
			depth--;
		}
	};
}

/**
 * What a failed attempt throws, given the error that ended it and the attempt's doom: 'again'
 * when the transaction must run again strict. An item that failed after writing and then
 * failed the work as a whole (no "continue on fail": its error, wrapped, ends the work):
 * everything is rolled back anyway, so that failure stands with no second run.
 */
export function afterFailedAttempt(error: unknown, doomed: unknown): unknown {
	if (doomed instanceof NeedsSavepoints) return error === doomed || error === doomed.cause ? 'again' : error;
	return doomed ?? error;
}

/** Several writes as one PostgreSQL statement: each a data-modifying CTE, parameters renumbered. */
export function combineWrites(statements: readonly Statement[]): Statement {
	if (statements.length === 1) return statements[0];
	const params: unknown[] = [];
	const parts = statements.map(([sql, values], i) => {
		const offset = params.length;
		params.push(...values);
		return `w${i} AS (${sql.replace(/\$(\d+)/g, (_, n) => `$${Number(n) + offset}`)})`;
	});
	return [`WITH ${parts.join(', ')} SELECT 1`, params];
}
