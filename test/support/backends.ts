/**
 * The two real backends every contract case runs on: a fresh SQLite file and a fresh schema in
 * the real PostgreSQL. Case titles start with [sqlite] / [postgres] so the summary can count them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { openLeadStore, type LeadStore, type StoreConfig, type StoreOptions } from '../../core';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pgConfig } = require('./pgConfig');

export type BackendName = 'sqlite' | 'postgres';

export interface TestBackend {
	name: BackendName;
	/** A config for a brand-new, empty store (its own file or schema). */
	freshConfig(): StoreConfig;
	/** Opens a fresh store; closed and removed after the test file. */
	open(options?: StoreOptions, config?: StoreConfig): Promise<LeadStore>;
	cleanup(): Promise<void>;
}

export const postgresAvailable = () => process.env.LEAD_TEST_PG !== 'down';

let counter = 0;
const unique = () => `${process.pid}_${Date.now().toString(36)}_${++counter}`;

function sqliteBackend(): TestBackend {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lead-store-'));
	const stores: LeadStore[] = [];
	return {
		name: 'sqlite',
		freshConfig: () => ({ backend: 'sqlite', file: path.join(dir, `leads_${unique()}.sqlite`) }),
		async open(options, config) {
			const store = await openLeadStore(config ?? this.freshConfig(), options);
			stores.push(store);
			return store;
		},
		async cleanup() {
			await Promise.all(stores.map((s) => s.close()));
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

function postgresBackend(): TestBackend {
	const schemas: string[] = [];
	const stores: LeadStore[] = [];
	return {
		name: 'postgres',
		freshConfig() {
			const schema = `lead_test_${unique()}`;
			schemas.push(schema);
			return { backend: 'postgres', ...pgConfig(), schema };
		},
		async open(options, config) {
			const store = await openLeadStore(config ?? this.freshConfig(), options);
			stores.push(store);
			return store;
		},
		async cleanup() {
			await Promise.all(stores.map((s) => s.close()));
			const client = new Client(pgConfig());
			await client.connect();
			for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
			await client.end();
		},
	};
}

/**
 * Declares `suite` once per backend. PostgreSQL cases are skipped (loudly, in globalSetup) only
 * when the server did not answer and CI is not set.
 */
export function forEachBackend(suite: (backend: () => TestBackend) => void) {
	for (const name of ['sqlite', 'postgres'] as const) {
		const run = name === 'sqlite' || postgresAvailable() ? describe : describe.skip;
		run(`[${name}]`, () => {
			let backend: TestBackend;
			beforeAll(() => {
				backend = name === 'sqlite' ? sqliteBackend() : postgresBackend();
			});
			afterAll(async () => backend.cleanup());
			suite(() => backend);
		});
	}
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2026, 0, 5, 9, 0, 0)) {
	let now = start;
	const clock = () => now;
	clock.set = (ms: number) => (now = ms);
	clock.advance = (ms: number) => (now += ms);
	return clock;
}
