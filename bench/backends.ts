/**
 * The stores a benchmark runs on: a SQLite file in a temp folder, and a throwaway schema in the
 * PostgreSQL the tests use (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD; default
 * 127.0.0.1:5432/test as postgres). PostgreSQL is left out, with a message, when it does not answer.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import type { StoreConfig } from '../core';

const pg = () => ({
	host: process.env.PGHOST || '127.0.0.1',
	port: Number(process.env.PGPORT || 5432),
	database: process.env.PGDATABASE || 'test',
	user: process.env.PGUSER || 'postgres',
	password: process.env.PGPASSWORD || undefined,
});

export interface BenchBackend {
	name: 'sqlite' | 'postgres';
	config: StoreConfig;
	cleanup(): Promise<void>;
}

export async function benchBackends(label: string): Promise<BenchBackend[]> {
	const only = process.env.BENCH_BACKEND;
	const out: BenchBackend[] = [];
	if (!only || only === 'sqlite') {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), `lead-bench-${label}-`));
		out.push({
			name: 'sqlite',
			config: { backend: 'sqlite', file: path.join(dir, 'leads.sqlite') },
			cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
		});
	}
	if (!only || only === 'postgres') {
		const schema = `lead_bench_${label}_${process.pid}`;
		const admin = new Client({ ...pg(), connectionTimeoutMillis: 3_000 });
		try {
			await admin.connect();
			await admin.end();
			out.push({
				name: 'postgres',
				config: { backend: 'postgres', ...pg(), schema, maxConnections: 20 },
				async cleanup() {
					const c = new Client(pg());
					await c.connect();
					await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
					await c.end();
				},
			});
		} catch (error) {
			console.log(`PostgreSQL did not answer (${(error as Error).message}): PostgreSQL figures left out`);
		}
	}
	return out;
}

export const backendLabel = { sqlite: 'SQLite', postgres: 'PostgreSQL' } as const;
