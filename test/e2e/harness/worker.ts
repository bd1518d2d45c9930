// `n8n worker` processes for queue mode (EXECUTIONS_MODE=queue): the main `n8n start` runs the
// triggers and enqueues each execution in Redis (Bull); workers take the jobs and run them. A worker
// shares the main's user folder (the same encryption key and installed package) and queue/DB env.
import fs from 'node:fs';
import path from 'node:path';
import { sleep, tail } from './n8nProcess';
import { Exit, spawnTracked, stopTracked, TrackedProcess } from './processes';
import { ExtraEnv, freePort, n8nBin, n8nEnv, node24Path } from './runtime';

export interface WorkerStartOptions {
	/** Default 180 s. */
	readyTimeoutMs?: number;
	/** Default: <userFolder>/n8n-worker-<broker port>.log. stdout and stderr both go there. */
	logFile?: string;
}

// Printed by `n8n worker` once it has loaded the nodes and listens on the queue.
const READY_LINE = 'n8n worker is now ready';
// Printed by the worker for every job it takes (scaling/job-processor.js in n8n 2.41.1).
const STARTED_EXECUTION = /Worker started execution (\d+) \(job/g;

export class N8nWorker {
	private constructor(
		private readonly proc: TrackedProcess,
		readonly logFile: string,
	) {}

	get pid(): number {
		return this.proc.pid;
	}

	logText(): string {
		return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, 'utf8') : '';
	}

	/** Ids of the executions this worker started, from its log. */
	executionIds(): string[] {
		return [...this.logText().matchAll(STARTED_EXECUTION)].map((match) => match[1]);
	}

	async stop(graceMs = 30_000): Promise<Exit> {
		return stopTracked(this.proc, graceMs);
	}

	/** SIGKILL to the worker and its task runners, as a crash: its running jobs are cut off. */
	async kill(): Promise<Exit> {
		try {
			process.kill(-this.proc.pid, 'SIGKILL');
		} catch {
			// already gone
		}
		const exit = await this.proc.exited;
		fs.appendFileSync(this.logFile, `\n=== harness: n8n worker killed (SIGKILL) ===\n`);
		return exit;
	}

	/**
	 * Starts `n8n worker` on a user folder the package is installed in; `extraEnv` must carry the
	 * same queue mode, Redis and n8n database settings as the main. Resolves once the worker is ready.
	 */
	static async start(userFolder: string, extraEnv: ExtraEnv, options: WorkerStartOptions = {}): Promise<N8nWorker> {
		// Each n8n process runs its own task-runner broker; two on one port and the later one quits.
		const brokerPort = await freePort();
		const logFile = options.logFile ?? path.join(userFolder, `n8n-worker-${brokerPort}.log`);
		const readyTimeoutMs = options.readyTimeoutMs ?? 180_000;
		fs.appendFileSync(logFile, `=== harness: n8n worker at ${new Date().toISOString()} ===\n`);
		const out = fs.openSync(logFile, 'a');
		let proc: TrackedProcess;
		try {
			proc = spawnTracked(node24Path(), [n8nBin(), 'worker'], {
				cwd: userFolder,
				env: n8nEnv({ userFolder, brokerPort, extraEnv }),
				stdio: ['ignore', out, out],
			});
		} finally {
			fs.closeSync(out);
		}
		const worker = new N8nWorker(proc, logFile);
		const deadline = Date.now() + readyTimeoutMs;
		while (!worker.logText().includes(READY_LINE)) {
			if (proc.hasExited()) {
				const exit = await proc.exited;
				throw new Error(`n8n worker exited during start-up (code ${exit.code}, signal ${exit.signal}); log ${logFile}:\n${tail(worker.logText())}`);
			}
			if (Date.now() > deadline) {
				await worker.stop(5_000);
				throw new Error(`n8n worker not ready after ${readyTimeoutMs} ms; log ${logFile}:\n${tail(worker.logText())}`);
			}
			await sleep(250);
		}
		return worker;
	}
}
