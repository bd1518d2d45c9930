import { Pump } from '../../core/delivery/pump';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('delivery pump', () => {
	it('runs one unit at a time and coalesces wake-ups that arrive meanwhile into one more run', async () => {
		let running = 0;
		let maxRunning = 0;
		let runs = 0;
		const pump = new Pump(
			async () => {
				running++;
				maxRunning = Math.max(maxRunning, running);
				runs++;
				await sleep(20);
				running--;
				return false;
			},
			{ pollIntervalMs: 60_000 },
		);
		pump.start();
		for (let i = 0; i < 10; i++) pump.wake();
		await sleep(5);
		await pump.idle();
		expect(maxRunning).toBe(1);
		expect(runs).toBe(2);
		await pump.close();
	});

	it('keeps going while work says there is more', async () => {
		let left = 5;
		const pump = new Pump(async () => --left > 0, { pollIntervalMs: 60_000 });
		pump.start();
		await pump.idle();
		expect(left).toBe(0);
		await pump.close();
	});

	it('backs off exponentially on failure, reports each attempt, and recovers', async () => {
		let failures = 3;
		const reports: Array<[number, number]> = [];
		const pump = new Pump(
			async () => {
				if (failures-- > 0) throw new Error('down');
				return false;
			},
			{ pollIntervalMs: 60_000, retryInitialMs: 5, retryMaxMs: 12, onError: (_e, info) => reports.push([info.attempt, info.retryInMs]) },
		);
		pump.start();
		await sleep(80);
		expect(reports).toEqual([
			[1, 5],
			[2, 10],
			[3, 12],
		]);
		expect(pump.failing).toBe(false);
		await pump.close();
	});

	it('polls without wake-ups, and after close nothing runs again', async () => {
		let runs = 0;
		const pump = new Pump(async () => (runs++, false), { pollIntervalMs: 10 });
		pump.start();
		await sleep(55);
		expect(runs).toBeGreaterThanOrEqual(3);
		await pump.close();
		const after = runs;
		pump.wake();
		await sleep(30);
		expect(runs).toBe(after);
	});

	it('a throwing error reporter does not stop retries', async () => {
		let calls = 0;
		const pump = new Pump(
			async () => {
				if (++calls < 3) throw new Error('x');
				return false;
			},
			{
				pollIntervalMs: 60_000,
				retryInitialMs: 1,
				onError: () => {
					throw new Error('reporter broke');
				},
			},
		);
		pump.start();
		await sleep(30);
		expect(calls).toBe(3);
		await pump.close();
	});
});
