/**
 * Commit-to-emit latency of the event triggers: 1,000 lead.created events per run on each
 * backend, written from this process (as n8n's own action nodes would) and from another OS
 * process (another n8n, an import, a script). Prints p50 / p95 / p99 / max.
 *
 *   npm run bench:latency     (BENCH_EVENTS=1000, BENCH_GAP_MS=3, BENCH_BACKEND=sqlite|postgres)
 *
 * "Commit" is when the writer's transaction call returned (the commit acknowledged); "emit" is
 * when the trigger's emit callback ran. Writes are paced (gap ms plus up to as much again of
 * random jitter, so they do not line up with the SQLite poll): this measures latency, not a
 * backlog draining.
 */
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { openLeadStore, startEventFeed, type LeadStore, type StoreConfig } from '../core';
import { benchBackends } from './backends';

const EVENTS = Number(process.env.BENCH_EVENTS || 1_000);
const GAP_MS = Number(process.env.BENCH_GAP_MS || 3);

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
type Commits = Map<number, number>;

async function writeHere(store: LeadStore): Promise<Commits> {
	const commits: Commits = new Map();
	for (let i = 0; i < EVENTS; i++) {
		const lead = await store.transaction((ops) => ops.createLead({ name: `local ${i}` }));
		commits.set(lead.id, now());
		await sleep(GAP_MS + Math.random() * GAP_MS);
	}
	return commits;
}

function writeFromAnotherProcess(config: StoreConfig): Promise<Commits> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [path.join(__dirname, 'latencyWriter.js'), JSON.stringify({ config, events: EVENTS, gap: GAP_MS })], {
			stdio: ['pipe', 'pipe', 'inherit'],
		});
		const commits: Commits = new Map();
		let buffer = '';
		child.stdout.on('data', (chunk) => {
			buffer += chunk;
			let nl: number;
			while ((nl = buffer.indexOf('\n')) >= 0) {
				const message = JSON.parse(buffer.slice(0, nl));
				buffer = buffer.slice(nl + 1);
				if (message.ready) child.stdin.write('go\n');
				else commits.set(message.leadId, message.at);
			}
		});
		child.on('exit', (code) => (code === 0 ? resolve(commits) : reject(new Error(`the writer process exited with ${code}`))));
	});
}

async function measure(config: StoreConfig, writer: 'in-process' | 'another process', nodeId: string) {
	const store = await openLeadStore(config);
	const emitted = new Map<number, number>();
	const feed = await startEventFeed(store, {
		workflowId: 'bench',
		nodeId,
		startFrom: 'now',
		criteria: { kind: 'lead.created' },
		emit: (items) => {
			const at = now();
			for (const e of items) emitted.set(e.lead.id, at);
		},
		onError: (error) => console.error('delivery error:', error.message),
	});
	try {
		const commits = writer === 'in-process' ? await writeHere(store) : await writeFromAnotherProcess(config);
		const deadline = Date.now() + 10_000;
		while (emitted.size < commits.size && Date.now() < deadline) await sleep(5);
		if (emitted.size !== commits.size) throw new Error(`${commits.size} committed but ${emitted.size} emitted`);
		// A NOTIFY can beat the writer's own COMMIT reply by a hair: clamp at 0.
		return [...commits].map(([id, at]) => Math.max(0, emitted.get(id)! - at)).sort((a, b) => a - b);
	} finally {
		await feed.close();
		await store.close();
	}
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const ms = (value: number) => `${value.toFixed(1)} ms`.padStart(10);

async function main() {
	console.log(`commit → emit latency, ${EVENTS} lead.created events per run, a write every ${GAP_MS}-${2 * GAP_MS} ms, Node ${process.version}, ${os.cpus().length} CPUs`);
	console.log(`${'backend'.padEnd(10)}${'writer'.padEnd(17)}${'events'.padStart(7)}${'p50'.padStart(10)}${'p95'.padStart(10)}${'p99'.padStart(10)}${'max'.padStart(10)}`);
	for (const backend of await benchBackends('latency')) {
		try {
			for (const writer of ['in-process', 'another process'] as const) {
				const latencies = await measure(backend.config, writer, writer.replace(' ', '-'));
				console.log(
					`${backend.name.padEnd(10)}${writer.padEnd(17)}${String(latencies.length).padStart(7)}` +
						`${ms(pct(latencies, 50))}${ms(pct(latencies, 95))}${ms(pct(latencies, 99))}${ms(latencies[latencies.length - 1])}`,
				);
			}
		} finally {
			await backend.cleanup();
		}
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
