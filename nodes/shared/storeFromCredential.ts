/**
 * Credential → open lead store. Stores are cached per process and per configuration: every
 * node of every workflow on one credential shares one SQLite connection or one PostgreSQL pool.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { openLeadStore, type LeadStore, type StoreConfig } from '../../core';

/** n8n keeps its own files in $N8N_USER_FOLDER/.n8n (the home folder when unset). */
export const defaultSqliteFile = () =>
	path.join(process.env.N8N_USER_FOLDER || os.homedir(), '.n8n', 'lead-management.sqlite');

export function storeConfig(credentials: ICredentialDataDecryptedObject): StoreConfig {
	if (credentials.backend === 'postgres') {
		const ssl = credentials.ssl === 'verify' ? { rejectUnauthorized: true } : credentials.ssl === 'noVerify' ? { rejectUnauthorized: false } : false;
		return {
			backend: 'postgres',
			host: String(credentials.host || 'localhost'),
			port: Number(credentials.port || 5432),
			database: String(credentials.database || 'postgres'),
			user: String(credentials.user || 'postgres'),
			password: credentials.password ? String(credentials.password) : undefined,
			schema: String(credentials.schema || 'lead_management'),
			ssl,
		};
	}
	const file = String(credentials.file || '').trim();
	return { backend: 'sqlite', file: file ? file.replace(/^~(?=$|\/)/, os.homedir()) : defaultSqliteFile() };
}

const stores = new Map<string, Promise<LeadStore>>();

export function storeFor(credentials: ICredentialDataDecryptedObject): Promise<LeadStore> {
	const config = storeConfig(credentials);
	const key = JSON.stringify(config);
	let store = stores.get(key);
	if (!store) {
		store = openLeadStore(config);
		stores.set(key, store);
		// A failed open (server down, bad path) must not stick: the next execution tries again.
		store.catch(() => stores.delete(key));
	}
	return store;
}

/** For tests: close every cached store. */
export async function closeAllStores() {
	const open = [...stores.values()];
	stores.clear();
	await Promise.all(open.map((p) => p.then((s) => s.close()).catch(() => undefined)));
}
