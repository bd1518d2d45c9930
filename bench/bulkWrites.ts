/**
 * Notes and stage updates for 10,000 items in one transaction, as one n8n execution of the
 * Create Lead Note or Update Lead Stage node does it (notes: each item isolated, so one bad item
 * does not undo the others; stages: all moves at once, item by item only when that declines),
 * beside a raw-SQL baseline on the same driver in the same run: plain INSERTs / UPDATEs in one
 * transaction, no validation, no events, no savepoints. Each figure is a median of 3 rounds.
 *
 *   npm run bench:bulk             (BENCH_ITEMS=10000, BENCH_BACKEND=sqlite|postgres)
 */
import { openLeadStore, type LeadStore, type WriteContext } from '../core';
import { backendLabel as label, benchBackends } from './backends';
import { formatTable, meets, perSecond, progress, times, type Row } from './table';

/** The bar for bulk stage updates: store time within this many times raw SQL's. */
const STAGE_BAR = { sqlite: 5, postgres: 3 } as const;
const context: WriteContext = { actor: { kind: 'workflow', workflowId: 'bench', executionId: '1', node: 'bench' }, causationDepth: 0 };

/** Rounds per figure (medians reported). Three workflow moves of a lead stay under the churn guard. */
const ROUNDS = 3;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

async function time(fn: () => Promise<unknown>) {
	const t0 = performance.now();
	await fn();
	return performance.now() - t0;
}

export async function benchBulk(ITEMS = 10_000): Promise<Row[]> {
	const rows: Row[] = [];
	for (const backend of await benchBackends('bulk')) {
		const store: LeadStore = await openLeadStore(backend.config);
		try {
			const ids = await store.transaction(async (t) => {
				const out: number[] = [];
				for (let i = 0; i < ITEMS; i++) out.push((await t.createLead({ name: `Lead ${i}` })).id);
				return out;
			});
			const [contacted, qualified] = await store.read(async (t) => [await t.getStage('Contacted'), await t.getStage('Qualified')]);

			// Each figure is the median of ROUNDS, the store's and raw SQL's taking turns, so a burst
			// of load on the shared box does not land on one side only.
			const runs = { rawNotes: [] as number[], storeNotes: [] as number[], rawStages: [] as number[], storeStages: [] as number[] };
			for (let round = 0; round < ROUNDS; round++) {
				runs.rawNotes.push(
					await time(() =>
						store.driver.transaction(async (s) => {
							for (const id of ids) await s.run('INSERT INTO notes (lead_id, content, pinned, created_at) VALUES ($1, $2, $3, $4)', [id, 'raw note', false, Date.now()]);
						}),
					),
				);
				runs.storeNotes.push(
					await time(() =>
						store.transaction(async (t) => {
							for (const id of ids) await t.isolated(() => t.createNote(id, { content: 'store note' }, context));
						}),
					),
				);
				// Raw SQL puts every lead in Contacted, so each store round is a real move to Qualified.
				runs.rawStages.push(
					await time(() =>
						store.driver.transaction(async (s) => {
							for (const id of ids) await s.run('UPDATE leads SET stage_id = $2, updated_at = $3 WHERE id = $1', [id, contacted.id, Date.now()]);
						}),
					),
				);
				// As the Update Lead Stage node runs them (nodes/shared/runItems.ts): all at once, or,
				// when that declines, item by item.
				runs.storeStages.push(
					await time(() =>
						store.transaction(async (t) => {
							const moves = ids.map((id) => ({ leadId: id, stage: qualified.id, context }));
							if (await t.isolated(() => t.changeStages(moves))) return;
							for (const m of moves) await t.isolated(() => t.changeStage(m.leadId, m.stage, {}, m.context));
						}),
					),
				);
			}
			const [rawNotes, storeNotes, rawStages, storeStages] = [runs.rawNotes, runs.storeNotes, runs.rawStages, runs.storeStages].map(median);
			const count = ITEMS.toLocaleString('en-US');
			rows.push({
				figure: `${count} notes in one execution, ${label[backend.name]}`,
				value: perSecond(ITEMS, storeNotes),
				reference: 'raw SQL INSERT per item, one transaction',
				referenceValue: perSecond(ITEMS, rawNotes),
				ratio: `${times(storeNotes / rawNotes)} the time`,
			});
			rows.push({
				figure: `${count} stage updates in one execution, ${label[backend.name]}`,
				value: perSecond(ITEMS, storeStages),
				reference: 'raw SQL UPDATE per item, one transaction',
				referenceValue: perSecond(ITEMS, rawStages),
				ratio: `${times(storeStages / rawStages)} the time`,
				bar: meets(storeStages / rawStages <= STAGE_BAR[backend.name], `within ${STAGE_BAR[backend.name]}× raw SQL`),
			});
			progress(`bulk ${backend.name}: notes ${perSecond(ITEMS, storeNotes)} (raw ${perSecond(ITEMS, rawNotes)}), stages ${perSecond(ITEMS, storeStages)} (raw ${perSecond(ITEMS, rawStages)})`);
		} finally {
			await store.close();
			await backend.cleanup();
		}
	}
	return rows;
}

if (require.main === module) {
	benchBulk(Number(process.env.BENCH_ITEMS || 10_000))
		.then((rows) => console.log(formatTable(rows)))
		.catch((error) => {
			console.error(error);
			process.exitCode = 1;
		});
}
