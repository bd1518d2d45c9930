/**
 * `npm run bench`: every figure of the package beside its reference, measured in the same run,
 * printed as ONE table (Markdown) at the end; progress goes to stderr meanwhile.
 * `npm run bench -- --quick` runs smaller sizes (a minute or two instead of about ten).
 * `--only=latency,assign,bulk,stale,n8n` picks sections.
 */
import * as os from 'node:os';
import { benchAssign } from './assign';
import { benchBulk } from './bulkWrites';
import { benchCoreLatency } from './latency';
import { benchN8n } from './n8n';
import { benchStale } from './stale';
import { formatTable, progress, type Row } from './table';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');

const sections: Array<[string, () => Promise<Row[]>]> = [
	['latency', () => benchCoreLatency(quick ? { events: 200, idleMs: 2_000 } : { events: 1_000 })],
	['assign', () => benchAssign(quick ? { leads: 500 } : { leads: 2_000 })],
	['bulk', () => benchBulk(quick ? 2_000 : 10_000)],
	['stale', () => benchStale(quick ? [10_000, 100_000] : [100_000, 1_000_000])],
	['n8n', () => benchN8n(quick ? { events: 30, items: 2_000, quick } : { events: 100, items: 10_000 })],
];

async function main() {
	const started = Date.now();
	const load = os.loadavg()[0].toFixed(1);
	const rows: Row[] = [];
	for (const [name, run] of sections) {
		if (only && !only.includes(name)) continue;
		progress(`== ${name}`);
		const t0 = Date.now();
		try {
			rows.push(...(await run()));
		} catch (error) {
			// One failing section (e.g. no n8n runtime) must not hide the others' figures.
			progress(`${name} failed: ${(error as Error).stack}`);
			rows.push({ figure: `${name}: not measured`, value: (error as Error).message.split('\n')[0].slice(0, 80), reference: '', referenceValue: '', ratio: '' });
		}
		progress(`== ${name} took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
	}
	const gib = (os.totalmem() / 2 ** 30).toFixed(0);
	console.log(
		`\nnpm run bench${quick ? ' -- --quick' : ''} on ${new Date(started).toISOString().slice(0, 10)}: ${os.cpus().length} cores, ${gib} GiB, ` +
			`Node ${process.version}, load average ${load} at start / ${os.loadavg()[0].toFixed(1)} at end, ${((Date.now() - started) / 60_000).toFixed(1)} min\n`,
	);
	console.log(formatTable(rows));
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
