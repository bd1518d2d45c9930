/**
 * Round-robin assignments per second at 1, 8 and 32 concurrent callers, on each backend, each as
 * Assign Lead makes it for a one-item execution (LeadStore.assignAlone, one statement that
 * commits itself on PostgreSQL; else a transaction), beside a raw-SQL reference at the same
 * concurrency: one counter row incremented once per transaction (the least a shared rotation can
 * cost). Each caller has its own store (its own connection, as separate n8n executions or
 * workers would) and assigns its share of fresh leads.
 *
 *   npm run bench:assign            (BENCH_LEADS=2000, BENCH_BACKEND=sqlite|postgres)
 */
import { openLeadStore, type LeadStore, type PoolDefinition } from '../core';
import { backendLabel as label, benchBackends, type BenchBackend } from './backends';
import { formatTable, meets, perSecond, progress, times, type Row } from './table';

const writer = { actor: { kind: 'workflow' as const, workflowId: 'bench' } };

/** Runs `each(store, i)` for i in 0..count-1 spread over `callers` stores; resolves to the ms taken. */
async function spread(backend: BenchBackend, callers: number, count: number, each: (store: LeadStore, i: number) => Promise<unknown>) {
	const stores: LeadStore[] = [];
	for (let c = 0; c < callers; c++) stores.push(await openLeadStore({ ...backend.config, ...(backend.name === 'postgres' ? { maxConnections: 2 } : {}) }));
	try {
		const started = performance.now();
		await Promise.all(
			stores.map(async (store, c) => {
				for (let i = c; i < count; i += callers) await each(store, i);
			}),
		);
		return performance.now() - started;
	} finally {
		await Promise.all(stores.map((s) => s.close()));
	}
}

export async function benchAssign(options: { leads?: number; callers?: number[] } = {}): Promise<Row[]> {
	const leads = options.leads ?? 2_000;
	const rows: Row[] = [];
	for (const backend of await benchBackends('assign')) {
		const setup = await openLeadStore(backend.config);
		try {
			const pool: PoolDefinition = await setup.transaction(async (t) => {
				const members = [];
				for (let i = 1; i <= 4; i++) members.push(await t.createMember({ name: `Rep ${i}`, email: `rep${i}@bench.example` }));
				return { name: 'Bench', members: members.map((m, i) => ({ member: m.id, weight: i + 1 })) };
			});
			await setup.driver.transaction(async (s) => {
				await s.run('CREATE TABLE bench_counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)');
				await s.run('INSERT INTO bench_counter (id, n) VALUES (1, 0)');
			});
			const rates: Record<number, number> = {};
			for (const callers of options.callers ?? [1, 8, 32]) {
				const ids = await setup.transaction(async (t) => {
					const out: number[] = [];
					for (let i = 0; i < leads; i++) out.push((await t.createLead({ name: `Lead ${i}` })).id);
					return out;
				});
				// As Assign Lead runs a one-item execution: the store's one-statement assignment where it
				// can take it (PostgreSQL), else (SQLite, and each pool's first pick) a transaction.
				const options = { mode: 'round_robin' as const, pool, whenAssigned: 'overwrite' as const };
				const ms = await spread(
					backend,
					callers,
					leads,
					async (store, i) => (await store.assignAlone(ids[i], options, writer)) ?? store.transaction((t) => t.assignLead(ids[i], options, writer)),
				);
				const rawMs = await spread(backend, callers, leads, (store) =>
					store.driver.transaction((s) => s.run('UPDATE bench_counter SET n = n + 1 WHERE id = 1')),
				);
				rates[callers] = (leads * 1000) / ms;
				let bar: string | undefined;
				if (callers === 8 && backend.name === 'sqlite') bar = meets(rates[8] >= 5_000, '≥ 5,000/s');
				if (callers === 8 && backend.name === 'postgres')
					bar = meets(rates[8] >= 2_000 && rates[8] > (rates[1] ?? Infinity), '≥ 2,000/s and faster than 1 caller');
				rows.push({
					figure: `round robin, ${callers} caller${callers > 1 ? 's' : ''}, ${label[backend.name]}`,
					value: perSecond(leads, ms),
					reference: `raw SQL counter +1 per transaction, ${callers} caller${callers > 1 ? 's' : ''}`,
					referenceValue: perSecond(leads, rawMs),
					ratio: `${times(ms / rawMs)} the time`,
					bar,
				});
				progress(`assign ${backend.name} ${callers} callers: ${perSecond(leads, ms)} (raw ${perSecond(leads, rawMs)})`);
			}
		} finally {
			await setup.close();
			await backend.cleanup();
		}
	}
	return rows;
}

if (require.main === module) {
	benchAssign({ leads: Number(process.env.BENCH_LEADS || 2_000) })
		.then((rows) => console.log(formatTable(rows)))
		.catch((error) => {
			console.error(error);
			process.exitCode = 1;
		});
}
