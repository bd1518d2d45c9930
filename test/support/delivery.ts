/** Helpers for the trigger-delivery tests: collect emits, wait for them, close what was started. */

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until check() is true, polling; fails with `what` after timeoutMs. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 5_000) {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(5);
	}
}

/**
 * An emit callback that records what it gets (and when), optionally failing on demand. Like
 * n8n, it refuses a delivery key it has already run (counted in `refused`, nothing recorded);
 * two collectors standing for one n8n share `keys`.
 */
export function collector<T>(options: { keys?: Set<string> } = {}) {
	const items: T[] = [];
	const times: number[] = [];
	const keys = options.keys ?? new Set<string>();
	let calls = 0;
	let failNext = 0;
	let refused = 0;
	return {
		items,
		times,
		keys,
		get calls() {
			return calls;
		},
		get refused() {
			return refused;
		},
		/** The next n emit calls throw. */
		failTimes(n: number) {
			failNext = n;
		},
		emit: (batch: T[], key?: string) => {
			calls++;
			if (failNext > 0) {
				failNext--;
				throw new Error('emit failed (test)');
			}
			if (key !== undefined) {
				if (keys.has(key)) {
					refused++;
					return;
				}
				keys.add(key);
			}
			const now = performance.timeOrigin + performance.now();
			for (const item of batch) {
				items.push(item);
				times.push(now);
			}
		},
		until: (n: number, timeoutMs?: number) => waitFor(() => items.length >= n, `${n} emitted items (have ${items.length})`, timeoutMs),
	};
}

/** Closes everything registered, after each test, so jest exits with no timer or socket left. */
export function closer() {
	const open: Array<{ close(): Promise<void> }> = [];
	afterEach(async () => {
		await Promise.all(open.splice(0).map((c) => c.close()));
	});
	return <T extends { close(): Promise<void> }>(thing: T): T => {
		open.push(thing);
		return thing;
	};
}

export function percentile(values: number[], p: number) {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
