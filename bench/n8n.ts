/**
 * Figures from a real n8n 2.41.1 with this package installed as users install it (the e2e
 * harness; run `npm run build` first):
 *
 * - trigger latency, commit → execution start (n8n's `startedAt`), p50 / p95, on each store, with
 *   the writer outside n8n (this process, through its own LeadStore) and inside n8n (a workflow
 *   Webhook → Lead: create; "commit" is the lead's created_at, written a moment before its
 *   commit). Reference, same run: n8n's own Postgres Trigger on a LISTEN channel, a NOTIFY
 *   from this process.
 * - n8n's peak memory (VmHWM of its process) during one 10,000-item execution (Webhook → Code
 *   making the items → Lead: create, or Create Lead Note), beside the same workflow with a No
 *   Operation node instead. n8n is restarted before each, since VmHWM is the process's peak.
 *
 *   npm run bench:n8n           (BENCH_N8N_EVENTS=100, BENCH_N8N_ITEMS=10000)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { openLeadStore, type LeadStore, type StoreConfig } from '../core';
import { fetchAfterRestart } from '../scripts/lib/n8nClient';
import { startN8nWithPackage, type Execution, type PackageInstance } from '../test/e2e/harness';
import { backendLabel, benchBackends, type BenchBackend } from './backends';
import { formatTable, mib, millis, percentile, progress, times, type Row } from './table';

const PKG = 'n8n-nodes-lead-management';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
type Credentials = Record<string, { id: string; name: string }>;

const node = (name: string, type: string, parameters: object, x: number, credentials?: Credentials, extra: object = {}) => ({
	id: randomUUID(),
	name,
	type,
	typeVersion: 1,
	position: [x, 0],
	parameters,
	...(credentials ? { credentials } : {}),
	...extra,
});
const chain = (...names: string[]) =>
	Object.fromEntries(names.slice(0, -1).map((from, i) => [from, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]));
const webhook = (pathName: string) =>
	node('Webhook', 'n8n-nodes-base.webhook', { httpMethod: 'POST', path: pathName, responseMode: 'onReceived', options: {} }, 0, undefined, {
		typeVersion: 2,
		webhookId: randomUUID(),
	});

interface Store {
	backend: BenchBackend;
	store: LeadStore;
	credential: Credentials;
	triggerWorkflow: string;
	webhookPath: string;
}

async function pgCredentialData(config: StoreConfig) {
	const c = config as Extract<StoreConfig, { backend: 'postgres' }>;
	return { host: c.host, port: c.port, database: c.database, user: c.user, password: c.password ?? '' };
}

/** Waits until `done()` or throws after `ms`. */
async function waitFor(what: string, done: () => Promise<boolean>, ms = 60_000) {
	const deadline = Date.now() + ms;
	while (!(await done())) {
		if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${ms} ms`);
		await sleep(100);
	}
}

const finished = async (n8n: PackageInstance, workflowId: string) => (await n8n.api.listExecutions(workflowId)).filter((e) => e.stoppedAt);
const triggerLeadId = (e: Execution) => Number(e.data.resultData.runData['Lead Created'][0].data.main[0][0].json.lead.id);

/** `count` writes `gapMs` (± half) apart; each returns [key, commit time]. */
async function paced(count: number, gapMs: number, write: (i: number) => Promise<[number, number] | void>) {
	const commits = new Map<number, number>();
	const pending: Array<Promise<void>> = [];
	for (let i = 0; i < count; i++) {
		pending.push(write(i).then((c) => void (c && commits.set(c[0], c[1]))));
		await sleep(gapMs / 2 + Math.random() * gapMs);
	}
	await Promise.all(pending);
	return commits;
}

/** Latencies (ms, ascending) from commit times by key and executions whose key `keyOf` finds. */
function latencies(commits: Map<number, number>, executions: Execution[], keyOf: (e: Execution) => number) {
	const out: number[] = [];
	for (const e of executions) {
		const at = commits.get(keyOf(e));
		if (at !== undefined) out.push(Date.parse(e.startedAt) - at);
	}
	if (out.length !== commits.size) throw new Error(`${commits.size} writes but ${out.length} executions matched them`);
	return out.sort((a, b) => a - b);
}

async function triggerLatency(n8n: PackageInstance, stores: Store[], pgConfig: StoreConfig | undefined, events: number, gapMs: number): Promise<Row[]> {
	// The reference: n8n's own Postgres Trigger listening on a channel.
	let reference: { label: string; value: string; p95: number } | undefined;
	if (pgConfig) {
		const cred = await n8n.api.createCredential('postgres', 'n8n Postgres (bench)', { ...(await pgCredentialData(pgConfig)), ssl: 'disable' });
		const channel = `lead_bench_${process.pid}`;
		const wf = await n8n.api.createWorkflow({
			name: 'bench: Postgres Trigger',
			nodes: [
				node('Postgres Trigger', 'n8n-nodes-base.postgresTrigger', { triggerMode: 'listenTrigger', channelName: channel, options: {} }, 0, { postgres: cred }),
				node('Done', 'n8n-nodes-base.noOp', {}, 220),
			],
			connections: chain('Postgres Trigger', 'Done'),
			settings: {},
		});
		await n8n.api.activate(wf.id);
		const client = new Client({ ...(pgConfig as object), connectionTimeoutMillis: 3_000 } as never);
		await client.connect();
		try {
			// It listens a moment after activation: notify until the first run shows.
			await waitFor('the Postgres Trigger to listen', async () => {
				await client.query('SELECT pg_notify($1, $2)', [channel, '-1']);
				await sleep(300);
				return (await finished(n8n, wf.id)).length > 0;
			});
			await sleep(1_000);
			const warmups = (await finished(n8n, wf.id)).length;
			const commits = await paced(events, gapMs, async (i) => {
				await client.query('SELECT pg_notify($1, $2)', [channel, String(i)]);
				return [i, Date.now()];
			});
			await waitFor('the Postgres Trigger runs', async () => (await finished(n8n, wf.id)).length >= warmups + events);
			const runs = await n8n.api.listExecutions(wf.id, true);
			const l = latencies(commits, runs, (e) => Number(e.data.resultData.runData['Postgres Trigger'][0].data.main[0][0].json.payload));
			reference = { label: "n8n's Postgres Trigger, NOTIFY from another process", value: `${millis(percentile(l, 50))} / ${millis(percentile(l, 95))}`, p95: percentile(l, 95) };
			progress(`n8n reference: Postgres Trigger ${reference.value}`);
		} finally {
			await client.end();
			await n8n.api.deactivate(wf.id);
		}
	}
	const rows: Row[] = [];
	for (const s of stores) {
		for (const writer of ['outside n8n', 'inside n8n'] as const) {
			const before = new Set((await finished(n8n, s.triggerWorkflow)).map((e) => e.id));
			const commits = await paced(events, gapMs, async (i) => {
				if (writer === 'outside n8n') {
					const lead = await s.store.transaction((t) => t.createLead({ name: `outside ${i}` }));
					return [lead.id, Date.now()];
				}
				const response = await fetch(`${n8n.n8n.baseUrl}/webhook/${s.webhookPath}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ name: `inside ${process.pid} ${i}` }),
				});
				if (!response.ok) throw new Error(`webhook ${s.webhookPath}: ${response.status} ${await response.text()}`);
				return undefined; // its commit time is read from the lead afterwards
			});
			if (writer === 'inside n8n') {
				// The lead's created_at: set inside the write transaction, a moment before it commits.
				// The webhook answers on receipt: its run may still be writing.
				const inside = () =>
					s.store.driver.transaction(
						(q) => q.all<{ id: number; created_at: number }>('SELECT id, created_at FROM leads WHERE name LIKE $1', [`inside ${process.pid} %`]),
						{ readOnly: true },
					);
				await waitFor(`${events} leads from the webhook runs`, async () => (await inside()).length >= events);
				for (const l of await inside()) commits.set(Number(l.id), Number(l.created_at));
			}
			await waitFor(`${events} Lead Created runs`, async () => (await finished(n8n, s.triggerWorkflow)).length >= before.size + events, 120_000);
			const runs = (await n8n.api.listExecutions(s.triggerWorkflow, true)).filter((e) => !before.has(e.id));
			const l = latencies(commits, runs, triggerLeadId);
			const value = `${millis(percentile(l, 50))} / ${millis(percentile(l, 95))}`;
			rows.push({
				figure: `trigger commit → execution start p50 / p95, ${backendLabel[s.backend.name]}, writer ${writer}`,
				value,
				reference: reference?.label ?? '(PostgreSQL unavailable)',
				referenceValue: reference?.value ?? '',
				ratio: reference ? `${times(percentile(l, 95) / reference.p95)} at p95` : '',
			});
			progress(`n8n latency ${s.backend.name} ${writer}: ${value}`);
		}
	}
	return rows;
}

/** VmHWM (peak resident memory) of a process, in KiB. */
function peakKib(pid: number) {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]);
}

async function peakMemory(n8n: PackageInstance, s: Store, items: number, withNote: boolean): Promise<Row[]> {
	const makeItems = node(
		'Make Items',
		'n8n-nodes-base.code',
		{ jsCode: `return Array.from({ length: ${items} }, (_, i) => ({ json: { id: ${'$'}input.first().json.body.leadId, name: 'Mem ' + i, email: 'mem' + i + '@bench.example' } }));` },
		200,
		undefined,
		{ typeVersion: 2 },
	);
	const variants: Array<[string, object]> = [
		['No Operation', node('Work', 'n8n-nodes-base.noOp', {}, 400)],
		['Lead: create', node('Work', `${PKG}.lead`, { resource: 'lead', operation: 'create', name: '={{ $json.name }}', email: '={{ $json.email }}', phone: '', additionalFields: {} }, 400, s.credential)],
	];
	if (withNote) variants.push(['Create Lead Note', node('Work', `${PKG}.createLeadNote`, { content: '={{ "note " + $json.name }}' }, 400, s.credential)]);
	const target = await s.store.transaction((t) => t.createLead({ name: 'Note target' }));
	const workflows: Array<{ label: string; id: string; path: string }> = [];
	for (const [label, work] of variants) {
		const pathName = `mem-${workflows.length}-${process.pid}`;
		const wf = await n8n.api.createWorkflow({ name: `bench memory: ${label}`, nodes: [webhook(pathName), makeItems, work], connections: chain('Webhook', 'Make Items', 'Work'), settings: {} });
		await n8n.api.activate(wf.id);
		workflows.push({ label, id: wf.id, path: pathName });
	}
	const peaks: Record<string, { kib: number; rest: number; ms: number }> = {};
	for (const w of workflows) {
		await n8n.n8n.restart();
		await sleep(2_000); // let start-up settle
		const rest = peakKib(n8n.n8n.pid!);
		const t0 = performance.now();
		const response = await fetchAfterRestart(`${n8n.n8n.baseUrl}/webhook/${w.path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ leadId: target.id }),
		});
		if (!response.ok) throw new Error(`webhook ${w.path}: ${response.status} ${await response.text()}`);
		await waitFor(`the ${w.label} run`, async () => (await finished(n8n, w.id)).length >= 1, 300_000);
		const [run] = await finished(n8n, w.id);
		if (run.status !== 'success') throw new Error(`the ${w.label} run ended ${run.status}`);
		peaks[w.label] = { kib: peakKib(n8n.n8n.pid!), rest, ms: performance.now() - t0 };
		progress(`n8n memory ${w.label}: VmHWM ${mib(peaks[w.label].kib)} (${millis(peaks[w.label].ms)})`);
		await n8n.api.deactivate(w.id);
	}
	const base = peaks['No Operation'];
	return Object.entries(peaks)
		.filter(([label]) => label !== 'No Operation')
		.map(([label, p]) => ({
			figure: `n8n peak memory (VmHWM), ${items.toLocaleString('en-US')} items through ${label}, ${backendLabel[s.backend.name]}`,
			value: `${mib(p.kib)} (${mib(p.rest)} before; run ${millis(p.ms)})`,
			reference: 'the same workflow with No Operation',
			referenceValue: `${mib(base.kib)} (${mib(base.rest)} before; run ${millis(base.ms)})`,
			ratio: `${p.kib >= base.kib ? '+' : '−'}${mib(Math.abs(p.kib - base.kib))}`,
		}));
}

export async function benchN8n(options: { events?: number; gapMs?: number; items?: number; quick?: boolean } = {}): Promise<Row[]> {
	const events = options.events ?? 100;
	const backends = await benchBackends('n8n');
	// `npm run bench` builds right before; sources edited since (by someone else) do not stop the run.
	const n8n = await startN8nWithPackage({ allowStaleDist: true });
	const stores: Store[] = [];
	try {
		progress(`n8n started (${n8n.n8n.baseUrl}, pid ${n8n.n8n.pid})`);
		for (const backend of backends) {
			const store = await openLeadStore(backend.config);
			const data =
				backend.config.backend === 'sqlite'
					? { backend: 'sqlite', file: backend.config.file }
					: { backend: 'postgres', ...(await pgCredentialData(backend.config)), schema: backend.config.schema, ssl: 'disable' };
			const cred = await n8n.api.createCredential('leadStoreApi', `Leads (bench ${backend.name})`, data);
			const credential = { leadStoreApi: { id: cred.id, name: cred.name } };
			const trigger = await n8n.api.createWorkflow({
				name: `bench: Lead Created (${backend.name})`,
				nodes: [node('Lead Created', `${PKG}.leadCreatedTrigger`, {}, 0, credential), node('Done', 'n8n-nodes-base.noOp', {}, 220)],
				connections: chain('Lead Created', 'Done'),
				settings: {},
			});
			const webhookPath = `lead-${backend.name}-${process.pid}`;
			const writer = await n8n.api.createWorkflow({
				name: `bench: webhook → Lead create (${backend.name})`,
				nodes: [webhook(webhookPath), node('Create Lead', `${PKG}.lead`, { resource: 'lead', operation: 'create', name: '={{ $json.body.name }}', email: '', phone: '', additionalFields: {} }, 220, credential)],
				connections: chain('Webhook', 'Create Lead'),
				settings: {},
			});
			await n8n.api.activate(trigger.id);
			await n8n.api.activate(writer.id);
			await waitFor('the Lead Created trigger to start', async () =>
				Boolean(await store.driver.transaction((q) => q.get('SELECT id FROM subscriptions WHERE workflow_id = $1', [trigger.id]), { readOnly: true })),
			);
			stores.push({ backend, store, credential, triggerWorkflow: trigger.id, webhookPath });
		}
		const pgConfig = backends.find((b) => b.name === 'postgres')?.config;
		const rows = await triggerLatency(n8n, stores, pgConfig, events, options.gapMs ?? 100);
		for (const s of stores) {
			await n8n.api.deactivate(s.triggerWorkflow);
		}
		const sqlite = stores.find((s) => s.backend.name === 'sqlite') ?? stores[0];
		rows.push(
			...(await peakMemory(n8n, sqlite, options.items ?? 10_000, !options.quick).catch((error: Error) => {
				throw new Error(`${error.message} (${String((error as { cause?: unknown }).cause ?? 'no cause')}); n8n's log ends:\n${n8n.n8n.logText().split('\n').slice(-30).join('\n')}`);
			})),
		);
		return rows;
	} finally {
		for (const s of stores) await s.store.close().catch(() => undefined);
		await n8n.stop();
		for (const b of backends) await b.cleanup().catch(() => undefined);
	}
}

if (require.main === module) {
	progress(`real n8n 2.41.1, ${os.cpus().length} CPUs, harness in ${path.relative(process.cwd(), __dirname)}`);
	benchN8n({ events: Number(process.env.BENCH_N8N_EVENTS || 100), items: Number(process.env.BENCH_N8N_ITEMS || 10_000) })
		.then((rows) => console.log(formatTable(rows)))
		.catch((error) => {
			console.error(error);
			process.exitCode = 1;
		});
}
