import type { SqlSession } from '../sql/SqlDriver';

/** What every store operation runs on: an open transaction and the store's clock. */
export interface Tx {
	readonly s: SqlSession;
	now(): number;
}
