/**
 * Credential → open lead store. Stores are shared per process and per configuration: every
 * node of every workflow on one credential uses one SQLite connection pair or one PostgreSQL
 * pool. Each user holds a lease (an execution for its run, a trigger while it is active); a
 * store nobody has leased for a while is closed, so a changed or deleted credential does not
 * keep its old pool and LISTEN connection open for the life of n8n.
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

/** How long an unleased store stays open (LEAD_STORE_IDLE_CLOSE_MS; default 5 minutes). */
let idleCloseMs = Number(process.env.LEAD_STORE_IDLE_CLOSE_MS) > 0 ? Number(process.env.LEAD_STORE_IDLE_CLOSE_MS) : 5 * 60_000;

interface Entry {
	store: Promise<LeadStore>;
	leases: number;
	idleTimer?: NodeJS.Timeout;
}

const entries = new Map<string, Entry>();

export interface StoreLease {
	store: LeadStore;
	/** Gives the store back; safe to call twice. */
	release(): void;
}

/** Opens (or shares) the credential's store and holds it until release(). */
export async function leaseStore(credentials: ICredentialDataDecryptedObject): Promise<StoreLease> {
	const key = JSON.stringify(storeConfig(credentials));
	let entry = entries.get(key);
	if (!entry) {
		const opening = openLeadStore(storeConfig(credentials));
		const created: Entry = { store: opening, leases: 0 };
		entry = created;
		entries.set(key, created);
		// A failed open (server down, bad path) must not stick: the next execution tries again.
		opening.catch(() => entries.get(key) === created && entries.delete(key));
	}
	const held = entry;
	held.leases++;
	clearTimeout(held.idleTimer);
	held.idleTimer = undefined;
	let store: LeadStore;
	try {
		store = await held.store;
	} catch (error) {
		held.leases--;
		throw error;
	}
	let released = false;
	return {
		store,
		release: () => {
			if (released) return;
			released = true;
			if (--held.leases === 0) scheduleIdleClose(key, held);
		},
	};
}

/** Runs fn with the credential's store, leased for the call. */
export async function withStore<T>(credentials: ICredentialDataDecryptedObject, fn: (store: LeadStore) => Promise<T>): Promise<T> {
	const lease = await leaseStore(credentials);
	try {
		return await fn(lease.store);
	} finally {
		lease.release();
	}
}

function scheduleIdleClose(key: string, entry: Entry) {
	entry.idleTimer = setTimeout(() => {
		if (entry.leases > 0 || entries.get(key) !== entry) return;
		entries.delete(key); // a lease asked for from now on opens a fresh store
		void entry.store.then((s) => s.close()).catch(() => undefined);
	}, idleCloseMs);
	entry.idleTimer.unref?.();
}

/** How many stores are open in this process (tests, diagnostics). */
export const openStoreCount = () => entries.size;

/** For tests: how long an unleased store stays open. */
export function setStoreIdleCloseMs(ms: number) {
	idleCloseMs = ms;
}

/** For tests: close every cached store, leased or not. */
export async function closeAllStores() {
	const open = [...entries.values()];
	entries.clear();
	for (const entry of open) clearTimeout(entry.idleTimer);
	await Promise.all(open.map((e) => e.store.then((s) => s.close()).catch(() => undefined)));
}
