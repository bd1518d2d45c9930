/**
 * A writer in another OS process: on SQLite the in-process commit notice cannot reach us, so the
 * driver's commit watcher (the -wal file and the events' high-water mark) wakes the trigger; on
 * PostgreSQL NOTIFY crosses processes. Nothing is lost or repeated, order holds, and the trigger
 * hears of the commit without waiting for its catch-up poll.
 */
import { startEventFeed, type DeliveredEvent } from '../../core';
import { forEachBackend } from '../support/backends';
import { closer, collector, percentile } from '../support/delivery';
import { runWorkers } from '../support/workers';

forEachBackend((backend) => {
	const track = closer();

	it('delivers every event written by another process, in order (its latency is measured by npm run bench)', async () => {
		const config = backend().freshConfig();
		const store = await backend().open({}, config);
		const got = collector<DeliveredEvent>();
		track(await startEventFeed(store, { workflowId: 'wf', nodeId: 'xproc', startFrom: 'now', criteria: { kind: 'lead.created' }, emit: got.emit }));
		const count = 60;
		const [result] = await runWorkers<{ pid: number; commits: Array<{ leadId: number; at: number }> }>([
			{ job: 'writeLeads.js', args: { config, count, gapMs: 10, prefix: 'remote ' } },
		]);
		expect(result.pid).not.toBe(process.pid);
		await got.until(count);
		const delivered = got.items.map((e) => e.lead.id);
		expect(delivered).toEqual(result.commits.map((c) => c.leadId));
		const latencies = result.commits.map((c, i) => got.times[i] - c.at);
		// A figure to read, not to assert: this box is shared and noisy (the bench compares it).
		console.log(`[${backend().name}] another-process commit→emit over ${count}: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms`);
	}, 60_000);

	it('wakes the trigger on another process\'s commit without its catch-up poll', async () => {
		const config = backend().freshConfig();
		const store = await backend().open({}, config);
		const got = collector<DeliveredEvent>();
		// A poll once a minute: only the commit wake-up can deliver within the test's time.
		track(await startEventFeed(store, { workflowId: 'wf', nodeId: 'nopoll', startFrom: 'now', criteria: { kind: 'lead.created' }, emit: got.emit, pollIntervalMs: 60_000 }));
		const count = 5;
		const [result] = await runWorkers<{ pid: number; commits: Array<{ leadId: number; at: number }> }>([
			{ job: 'writeLeads.js', args: { config, count, gapMs: 50, prefix: 'woken ' } },
		]);
		await got.until(count, 10_000);
		expect(got.items.map((e) => e.lead.id)).toEqual(result.commits.map((c) => c.leadId));
	}, 60_000);
});
