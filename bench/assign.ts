/**
 * Round-robin assignments per second at 1 and 8 concurrent callers, on each backend. Each
 * caller has its own store (its own connection, as separate n8n executions or workers would)
 * and assigns its share of fresh leads, one transaction per assignment.
 *
 *   npm run bench:assign            (BENCH_LEADS=2000, BENCH_BACKEND=sqlite|postgres)
 */
import { openLeadStore, type LeadStore, type PoolDefinition } from '../core';
import { benchBackends, rate } from './backends';

const LEADS = Number(process.env.BENCH_LEADS || 2_000);
const CONCURRENCY = [1, 8];

async function main() {
	console.log(`round-robin assignment, ${LEADS} leads per run, pool of 4 members weighted 1:2:3:4, Node ${process.version}`);
	for (const backend of await benchBackends('assign')) {
		const setup = await openLeadStore(backend.config);
		try {
			const pool: PoolDefinition = await setup.transaction(async (t) => {
				const members = [];
				for (let i = 1; i <= 4; i++) members.push(await t.createMember({ name: `Rep ${i}`, email: `rep${i}@bench.example` }));
				return { name: 'Bench', members: members.map((m, i) => ({ member: m.id, weight: i + 1 })) };
			});
			for (const callers of CONCURRENCY) {
				const ids = await setup.transaction(async (t) => {
					const out: number[] = [];
					for (let i = 0; i < LEADS; i++) out.push((await t.createLead({ name: `Lead ${i}` })).id);
					return out;
				});
				const stores: LeadStore[] = [];
				for (let i = 0; i < callers; i++) stores.push(await openLeadStore(backend.config));
				const latencies: number[] = [];
				const started = performance.now();
				await Promise.all(
					stores.map(async (store, c) => {
						for (let i = c; i < ids.length; i += callers) {
							const t0 = performance.now();
							await store.transaction((t) => t.assignLead(ids[i], { mode: 'round_robin', pool, whenAssigned: 'overwrite' }, { actor: { kind: 'workflow', workflowId: 'bench' } }));
							latencies.push(performance.now() - t0);
						}
					}),
				);
				const ms = performance.now() - started;
				await Promise.all(stores.map((s) => s.close()));
				latencies.sort((a, b) => a - b);
				const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(2);
				console.log(
					`${backend.name.padEnd(8)} ${String(callers).padStart(2)} caller${callers > 1 ? 's' : ' '}: ${rate(LEADS, ms).padStart(8)} assignments ` +
						`(${ms.toFixed(0)} ms; latency p50 ${p(0.5)} ms, p99 ${p(0.99)} ms)`,
				);
			}
		} finally {
			await setup.close();
			await backend.cleanup();
		}
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
