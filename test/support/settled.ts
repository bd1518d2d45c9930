/**
 * On PostgreSQL a trigger takes a committed event once every older transaction on the server
 * has ended (core/store/events.ts). Tests that read through delivery right after writing wait
 * for that here, instead of racing other sessions on a shared server.
 */
import type { LeadStore } from '../../core';

export async function settled(store: LeadStore, timeoutMs = 10_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const left = await store.read((t) => t.unsettledEvents());
		if (left === 0) return;
		if (Date.now() > deadline) throw new Error(`${left} events did not settle within ${timeoutMs} ms (a transaction on the server stays open)`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
