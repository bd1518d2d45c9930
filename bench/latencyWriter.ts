/**
 * The other-process writer of bench/latency.ts: opens the store given in argv, says ready, waits
 * for "go" on stdin, then creates leads paced `gap` ms (+ jitter) apart and prints one JSON line
 * per commit with the time the commit returned.
 */
import { openLeadStore, type StoreConfig } from '../core';

async function main() {
	const { config, events, gap } = JSON.parse(process.argv[2]) as { config: StoreConfig; events: number; gap: number };
	const store = await openLeadStore(config);
	process.stdout.write(JSON.stringify({ ready: true }) + '\n');
	await new Promise((resolve) => process.stdin.once('data', resolve));
	for (let i = 0; i < events; i++) {
		const lead = await store.transaction((ops) => ops.createLead({ name: `remote ${i}` }));
		process.stdout.write(JSON.stringify({ leadId: lead.id, at: performance.timeOrigin + performance.now() }) + '\n');
		await new Promise((resolve) => setTimeout(resolve, gap + Math.random() * gap));
	}
	await store.close();
	process.stdin.destroy();
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
