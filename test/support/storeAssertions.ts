/** Assertions shared by contract suites: refused with the right code and field, and nothing written. */
import { isLeadStoreError, type LeadStore, type LeadStoreError } from '../../core';

export async function expectStoreError(promise: Promise<unknown>, code: LeadStoreError['code'], field?: string): Promise<LeadStoreError> {
	const error = await promise.then(
		() => {
			throw new Error(`expected the store to refuse (${code}${field ? ` on ${field}` : ''})`);
		},
		(e) => e,
	);
	if (!isLeadStoreError(error)) throw error;
	expect({ code: error.code, field: error.field }).toEqual({ code, field: field ?? error.field });
	return error;
}

/** Everything an action could write, as one comparable value. */
export async function storeFingerprint(store: LeadStore) {
	return store.driver.transaction(
		async (s) => ({
			leads: await s.all('SELECT id, owner_id, stage_id, updated_at, last_activity_at, episode FROM leads ORDER BY id'),
			notes: await s.all('SELECT id FROM notes ORDER BY id'),
			tasks: await s.all('SELECT id, status FROM tasks ORDER BY id'),
			events: await s.all('SELECT id FROM events ORDER BY id'),
			pools: await s.all('SELECT id, name, updated_at FROM pools ORDER BY id'),
			poolMembers: await s.all('SELECT * FROM pool_members ORDER BY pool_id, member_id'),
			assignments: await s.all('SELECT id FROM assignments ORDER BY id'),
			opportunities: await s.all('SELECT id, value, currency, status_id, owner_id, updated_at FROM opportunities ORDER BY id'),
			opportunityStatuses: await s.all('SELECT id, name, kind, position FROM opportunity_statuses ORDER BY id'),
		}),
		{ readOnly: true },
	);
}

/**
 * Runs a refused call inside a write transaction without a savepoint, swallows the refusal and
 * commits: whatever the call wrote before refusing would then be stored. Expects nothing was.
 */
export async function expectRefusedCleanly(
	store: LeadStore,
	call: (ops: Parameters<Parameters<LeadStore['transaction']>[0]>[0]) => Promise<unknown>,
	code: LeadStoreError['code'],
	field: string,
): Promise<LeadStoreError> {
	const before = await storeFingerprint(store);
	const error = await store.transaction(async (ops) => expectStoreError(call(ops), code, field));
	expect(await storeFingerprint(store)).toEqual(before);
	return error;
}
