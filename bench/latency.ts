/**
 * Commit-to-emit latency of the event triggers: 1,000 lead.created events per run on each
 * backend, written from another OS process (another n8n, an import, a script) beside the same
 * written from this process (as n8n's own action nodes would: the reference). Also the CPU an
 * idle SQLite commit watcher costs, beside the same idle store without one.
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
import { backendLabel, benchBackends } from './backends';
import { formatTable, millis, percentile, progress, signed, times, type Row } from './table';

const GAP_MS = Number(process.env.BENCH_GAP_MS || 3);

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
type Commits = Map<number, number>;

async function writeHere(store: LeadStore, events: number): Promise<Commits> {
	const commits: Commits = new Map();
	for (let i = 0; i < events; i++) {
		const lead = await store.transaction((ops) => ops.createLead({ name: `local ${i}` }));
		commits.set(lead.id, now());
		await sleep(GAP_MS + Math.random() * GAP_MS);
	}
	return commits;
}

function writeFromAnotherProcess(config: StoreConfig, events: number): Promise<Commits> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [path.join(__dirname, 'latencyWriter.js'), JSON.stringify({ config, events, gap: GAP_MS })], {
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

async function measure(config: StoreConfig, writer: 'in-process' | 'another process', nodeId: string, events: number) {
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
		const commits = writer === 'in-process' ? await writeHere(store, events) : await writeFromAnotherProcess(config, events);
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

/** CPU milliseconds this process spends per second of wall time over `ms`. */
async function cpuPerSecond(ms: number) {
	const cpu = process.cpuUsage();
	const t0 = performance.now();
	await sleep(ms);
	const used = process.cpuUsage(cpu);
	return (used.user + used.system) / 1000 / ((performance.now() - t0) / 1000);
}

/** An idle store with a commit listener (the watcher runs) beside the same store without one. */
async function idleWatcherCost(config: StoreConfig, ms: number): Promise<Row> {
	const store = await openLeadStore(config);
	try {
		const without = await cpuPerSecond(ms);
		const stop = await store.onEventsCommitted(() => undefined);
		const withWatcher = await cpuPerSecond(ms);
		await stop();
		return {
			figure: 'idle SQLite commit watcher, CPU per second',
			value: `${withWatcher.toFixed(2)} ms`,
			reference: 'the same idle store, no watcher',
			referenceValue: `${without.toFixed(2)} ms`,
			ratio: signed(withWatcher - without, 2, 'ms/s'),
		};
	} finally {
		await store.close();
	}
}

export async function benchCoreLatency(options: { events?: number; idleMs?: number } = {}): Promise<Row[]> {
	const events = options.events ?? 1_000;
	const rows: Row[] = [];
	for (const backend of await benchBackends('latency')) {
		try {
			const here = await measure(backend.config, 'in-process', 'in-process', events);
			const there = await measure(backend.config, 'another process', 'another-process', events);
			const p = (l: number[]) => `${millis(percentile(l, 50))} / ${millis(percentile(l, 95))}`;
			rows.push({
				figure: `commit → emit p50 / p95, writer in another process, ${backendLabel[backend.name]} (${events.toLocaleString('en-US')} events)`,
				value: p(there),
				reference: 'writer in the same process',
				referenceValue: p(here),
				ratio: `${times(percentile(there, 95) / Math.max(0.1, percentile(here, 95)))} at p95`,
				bar: backend.name === 'sqlite' ? 'well under the 200 ms poll' : undefined,
			});
			progress(`core latency ${backend.name}: another process ${p(there)}, same process ${p(here)}`);
			if (backend.name === 'sqlite') rows.push(await idleWatcherCost(backend.config, options.idleMs ?? 5_000));
		} finally {
			await backend.cleanup();
		}
	}
	return rows;
}

if (require.main === module) {
	progress(`commit → emit latency, a write every ${GAP_MS}-${2 * GAP_MS} ms, Node ${process.version}, ${os.cpus().length} CPUs`);
	benchCoreLatency({ events: Number(process.env.BENCH_EVENTS || 1_000) })
		.then((rows) => console.log(formatTable(rows)))
		.catch((error) => {
			console.error(error);
			process.exit(1);
		});
}
