/**
 * Notes and stage updates for 10,000 items in one transaction, as one n8n execution of the
 * Create Lead Note or Update Lead Stage node does it (each item in its own savepoint, so one
 * bad item does not undo the others), beside a raw-SQL baseline on the same driver in the same
 * run: plain INSERTs / UPDATEs in one transaction, no validation, no events, no savepoints.
 *
 *   npm run bench:bulk             (BENCH_ITEMS=10000, BENCH_BACKEND=sqlite|postgres)
 */
import { openLeadStore, type LeadStore, type WriteContext } from '../core';
import { benchBackends, rate } from './backends';

const ITEMS = Number(process.env.BENCH_ITEMS || 10_000);
const context: WriteContext = { actor: { kind: 'workflow', workflowId: 'bench', executionId: '1', node: 'bench' }, causationDepth: 0 };

async function time(fn: () => Promise<unknown>) {
	const t0 = performance.now();
	await fn();
	return performance.now() - t0;
}

async function main() {
	console.log(`${ITEMS} items in one transaction per run, Node ${process.version}`);
	for (const backend of await benchBackends('bulk')) {
		const store: LeadStore = await openLeadStore(backend.config);
		try {
			const ids = await store.transaction(async (t) => {
				const out: number[] = [];
				for (let i = 0; i < ITEMS; i++) out.push((await t.createLead({ name: `Lead ${i}` })).id);
				return out;
			});
			const [contacted, qualified] = await store.read(async (t) => [await t.getStage('Contacted'), await t.getStage('Qualified')]);

			const rawNotes = await time(() =>
				store.driver.transaction(async (s) => {
					for (const id of ids) await s.run('INSERT INTO notes (lead_id, content, pinned, created_at) VALUES ($1, $2, $3, $4)', [id, 'raw note', false, Date.now()]);
				}),
			);
			const storeNotes = await time(() =>
				store.transaction(async (t) => {
					for (const id of ids) await t.isolated(() => t.createNote(id, { content: 'store note' }, context));
				}),
			);
			const rawStages = await time(() =>
				store.driver.transaction(async (s) => {
					for (const id of ids) await s.run('UPDATE leads SET stage_id = $2, updated_at = $3 WHERE id = $1', [id, contacted.id, Date.now()]);
				}),
			);
			const storeStages = await time(() =>
				store.transaction(async (t) => {
					for (const id of ids) await t.isolated(() => t.changeStage(id, qualified.id, {}, context));
				}),
			);
			const line = (what: string, raw: number, ours: number) =>
				console.log(
					`${backend.name.padEnd(8)} ${what.padEnd(13)} store ${rate(ITEMS, ours).padStart(9)} (${ours.toFixed(0)} ms)   raw SQL ${rate(ITEMS, raw).padStart(9)} (${raw.toFixed(0)} ms)   store/raw time ${(ours / raw).toFixed(1)}x`,
				);
			line('notes', rawNotes, storeNotes);
			line('stage updates', rawStages, storeStages);
		} finally {
			await store.close();
			await backend.cleanup();
		}
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
