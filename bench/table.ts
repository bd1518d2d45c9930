/**
 * The one table `npm run bench` prints: each figure beside its reference, measured in the same
 * run, and the ratio between them. Sections add rows; run.ts prints them all at the end.
 */
export interface Row {
	/** What was measured, e.g. "round robin, 8 callers, SQLite". */
	figure: string;
	value: string;
	/** What it is compared with, e.g. "raw SQL counter, 8 callers". */
	reference: string;
	referenceValue: string;
	/** value / reference as the reader should read it (e.g. "0.8× the rate", "3.1× the time"). */
	ratio: string;
	/** The bar for this figure and whether it was met (empty when it sets none). */
	bar?: string;
}

export const perSecond = (items: number, ms: number) => `${Math.round((items * 1000) / ms).toLocaleString('en-US')}/s`;
export const millis = (ms: number) => (ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`);
export const times = (x: number) => `${x >= 10 ? x.toFixed(0) : x.toFixed(1)}×`;
/** A difference with its sign: +1.20 ms/s, −0.30 ms/s. */
export const signed = (x: number, digits: number, unit: string) => `${x < 0 ? '−' : '+'}${Math.abs(x).toFixed(digits)} ${unit}`;
export const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
export const meets = (ok: boolean, bar: string) => `${ok ? 'met' : 'NOT met'}: ${bar}`;

/** The p-th percentile of ascending-sorted values (nearest rank). */
export const percentile = (sorted: readonly number[], p: number) =>
	sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

/** A Markdown table, so it pastes into the README as is. */
export function formatTable(rows: readonly Row[]): string {
	const header = ['figure', 'measured', 'reference (same run)', 'reference', 'ratio', "issue's bar"];
	const cells = rows.map((r) => [r.figure, r.value, r.reference, r.referenceValue, r.ratio, r.bar ?? '']);
	const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
	const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i])).join(' | ')} |`;
	return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Progress goes to stderr, so stdout carries the table alone. */
export const progress = (message: string) => process.stderr.write(`${message}\n`);
