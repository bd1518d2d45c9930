/**
 * Runs jobs in separate OS processes against the same store, started together.
 *
 * A job is a CommonJS module exporting `async (core, args, ready) => result`: it sets up (opens
 * its stores), awaits `ready()` (which returns once every process is set up), does its work
 * and returns something JSON-serialisable. `core` is the compiled core/index.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { compileCore, REPO_ROOT } from './compileCore';

export interface WorkerSpec {
	/** Path of the job module, absolute or relative to test/support/jobs. */
	job: string;
	args: unknown;
}

export async function runWorkers<T = unknown>(specs: WorkerSpec[], options: { timeoutMs?: number } = {}): Promise<T[]> {
	const coreDir = compileCore();
	const children: ChildProcess[] = [];
	const readies: Promise<void>[] = [];
	const results: Promise<T>[] = [];
	for (const spec of specs) {
		const job = path.isAbsolute(spec.job) ? spec.job : path.join(__dirname, 'jobs', spec.job);
		const child = spawn(process.execPath, [path.join(__dirname, 'storeWorker.js'), JSON.stringify({ coreDir, job, args: spec.args })], {
			// The compiled core lives in a temp folder: let it find pg and luxon here.
			env: { ...process.env, NODE_PATH: path.join(REPO_ROOT, 'node_modules') },
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		children.push(child);
		let stderr = '';
		child.stderr!.on('data', (d) => (stderr += d));
		let buffer = '';
		let onReady!: () => void;
		readies.push(new Promise<void>((resolve) => (onReady = resolve)));
		results.push(
			new Promise<T>((resolve, reject) => {
				child.stdout!.on('data', (chunk) => {
					buffer += chunk;
					let newline: number;
					while ((newline = buffer.indexOf('\n')) >= 0) {
						const line = buffer.slice(0, newline);
						buffer = buffer.slice(newline + 1);
						const message = JSON.parse(line);
						if (message.ready) onReady();
						else if ('result' in message) resolve(message.result);
						else if (message.error) reject(Object.assign(new Error(`worker ${spec.job}: ${message.error.message}\n${message.error.stack}`), message.error));
					}
				});
				child.on('exit', (code) => reject(new Error(`worker ${spec.job} exited (${code}) without a result\n${stderr}`)));
			}),
		);
		// A failure before "ready" must not leave the others waiting for ever.
		results[results.length - 1].catch(() => onReady());
	}
	const timeout = setTimeout(() => children.forEach((c) => c.kill()), options.timeoutMs ?? 120_000);
	try {
		await Promise.all(readies);
		for (const child of children) child.stdin!.write('go\n');
		return await Promise.all(results);
	} finally {
		clearTimeout(timeout);
		for (const child of children) if (child.exitCode === null) child.kill();
	}
}
