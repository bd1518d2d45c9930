/**
 * The lead store: one class over a SQL driver (the SQLite or the PostgreSQL adapter). Opening it
 * runs pending migrations. All work happens in transactions handed out here.
 */
import { migrate } from '../sql/migrations';
import type { SqlDriver } from '../sql/SqlDriver';
import { openPostgres, type PostgresConfig } from '../sql/postgresDriver';
import { openSqlite, type SqliteConfig } from '../sql/sqliteDriver';
import type { WriteContext } from '../model';
import { assignAlone, type AssignOptions, type AssignResult } from './assign';
import { LeadOps } from './LeadOps';

export type StoreConfig = ({ backend: 'sqlite' } & SqliteConfig) | ({ backend: 'postgres' } & PostgresConfig);

export interface StoreOptions {
	/** The time source, in epoch ms. Tests move it; everyone else keeps Date.now. */
	clock?: () => number;
}

export class LeadStore {
	private readonly clock: () => number;

	constructor(
		readonly driver: SqlDriver,
		options: StoreOptions = {},
	) {
		this.clock = options.clock ?? Date.now;
	}

	get backend() {
		return this.driver.dialect;
	}

	get location() {
		return this.driver.location;
	}

	/**
	 * Runs fn in one write transaction: all its writes commit together, or none do. Writers on
	 * different leads and pools run in parallel (PostgreSQL); each operation locks its lead's and
	 * pool's row first, so one lead's and one pool's writes keep their order. fn may run again
	 * when PostgreSQL breaks a deadlock between two multi-lead executions.
	 */
	transaction<T>(fn: (ops: LeadOps) => Promise<T>): Promise<T> {
		return this.driver.transaction((s) => fn(new LeadOps({ s, now: this.clock })));
	}

	/** Runs fn in a read-only transaction (one consistent snapshot) that never waits for writers. */
	read<T>(fn: (ops: LeadOps) => Promise<T>): Promise<T> {
		return this.driver.transaction((s) => fn(new LeadOps({ s, now: this.clock })), { readOnly: true });
	}

	/**
	 * Runs fn as a bookkeeping write (a trigger's cursor): it writes no events and locks no lead,
	 * so it does not queue behind the event writers. fn may run more than once.
	 */
	bookkeeping<T>(fn: (ops: LeadOps) => Promise<T>): Promise<T> {
		return this.driver.transaction((s) => fn(new LeadOps({ s, now: this.clock })), { bookkeeping: true });
	}

	/**
	 * One assignment, committed on its own, in one round trip where PostgreSQL can take it so
	 * (round robin: store/assign.ts assignAlone). Undefined, having written nothing, otherwise:
	 * then run `assignLead` in a transaction.
	 */
	assignAlone(leadId: unknown, options: AssignOptions, context?: WriteContext): Promise<AssignResult | undefined> {
		return assignAlone(this.driver, this.clock(), leadId, options, context);
	}

	now() {
		return this.clock();
	}

	onEventsCommitted(listener: () => void) {
		return this.driver.onEventsCommitted(listener);
	}

	close() {
		return this.driver.close();
	}
}

export function openDriver(config: StoreConfig): SqlDriver {
	return config.backend === 'postgres' ? openPostgres(config) : openSqlite(config);
}

/** Opens the store and brings its schema up to date. */
export async function openLeadStore(config: StoreConfig, options: StoreOptions = {}): Promise<LeadStore> {
	const driver = openDriver(config);
	try {
		await migrate(driver);
	} catch (error) {
		await driver.close().catch(() => undefined);
		throw error;
	}
	return new LeadStore(driver, options);
}
