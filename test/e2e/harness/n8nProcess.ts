// A real `n8n start` per test file, plus the one-shot CLI commands (`import:workflow`, `execute`).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExtraEnv, freePort, n8nBin, n8nEnv, node24Path } from './runtime';
import { Exit, spawnTracked, stopTracked, TrackedProcess } from './processes';

export interface N8nStartOptions {
	/** Reuse a folder (e.g. one a package was installed into); default: a fresh temp folder. */
	userFolder?: string;
	port?: number;
	/** Passed to n8n as is (e.g. LEAD_STORE_* for the package); undefined removes a variable. */
	extraEnv?: ExtraEnv;
	readyTimeoutMs?: number;
	/** Default: <userFolder>/n8n.log. stdout and stderr both go there, in order. */
	logFile?: string;
}

// Printed by `n8n start` after the server listens AND active workflows were activated
// (activeWorkflowManager.init()). /healthz/readiness alone answers before triggers are up.
const STARTED_LINE = 'Editor is now accessible via';

export function makeUserFolder(prefix = 'lead-e2e-'): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export class N8nInstance {
	private proc: TrackedProcess | undefined;
	/** Process (and process group) id of the latest `n8n start`, kept after it exits. */
	pid: number | undefined;
	private constructor(
		readonly userFolder: string,
		readonly port: number,
		readonly brokerPort: number,
		readonly logFile: string,
		private extraEnv: ExtraEnv,
		private readonly readyTimeoutMs: number,
	) {}

	static async start(options: N8nStartOptions = {}): Promise<N8nInstance> {
		const userFolder = options.userFolder ?? makeUserFolder();
		const port = options.port ?? (await freePort());
		let brokerPort = await freePort();
		while (brokerPort === port) brokerPort = await freePort();
		const instance = new N8nInstance(
			userFolder,
			port,
			brokerPort,
			options.logFile ?? path.join(userFolder, 'n8n.log'),
			options.extraEnv ?? {},
			options.readyTimeoutMs ?? 180_000,
		);
		await instance.launch();
		return instance;
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	isRunning(): boolean {
		return this.proc !== undefined && !this.proc.hasExited();
	}

	/** Everything n8n printed so far, across restarts (each start is marked in the log). */
	logText(): string {
		return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, 'utf8') : '';
	}

	/** What n8n printed after a byte offset of the log (e.g. `logSize()` taken before an action). */
	logSince(byteOffset: number): string {
		return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile).subarray(byteOffset).toString('utf8') : '';
	}

	logSize(): number {
		return fs.existsSync(this.logFile) ? fs.statSync(this.logFile).size : 0;
	}

	async stop(graceMs = 30_000): Promise<Exit | undefined> {
		if (!this.proc) return undefined;
		const exit = await stopTracked(this.proc, graceMs);
		this.proc = undefined;
		fs.appendFileSync(this.logFile, `\n=== harness: n8n exited (code ${exit.code}, signal ${exit.signal}) ===\n`);
		return exit;
	}

	/** SIGKILL to n8n and its task runners, as a crash: no shutdown, runs in progress are cut off. */
	async kill(): Promise<Exit | undefined> {
		if (!this.proc) return undefined;
		const proc = this.proc;
		try {
			process.kill(-proc.pid, 'SIGKILL');
		} catch {
			// already gone
		}
		const exit = await proc.exited;
		this.proc = undefined;
		fs.appendFileSync(this.logFile, `\n=== harness: n8n killed (SIGKILL) ===\n`);
		return exit;
	}

	/** Same user folder, database, ports and owner; `extraEnv` is merged into the previous env. */
	async restart(extraEnv: ExtraEnv = {}): Promise<void> {
		await this.stop();
		this.extraEnv = { ...this.extraEnv, ...extraEnv };
		await this.launch();
	}

	private async launch(): Promise<void> {
		fs.appendFileSync(this.logFile, `\n=== harness: n8n start on port ${this.port} at ${new Date().toISOString()} ===\n`);
		const startOffset = fs.statSync(this.logFile).size;
		const out = fs.openSync(this.logFile, 'a');
		try {
			this.proc = spawnTracked(node24Path(), [n8nBin(), 'start'], {
				cwd: this.userFolder,
				env: n8nEnv({ userFolder: this.userFolder, port: this.port, brokerPort: this.brokerPort, extraEnv: this.extraEnv }),
				stdio: ['ignore', out, out],
			});
			this.pid = this.proc.pid;
		} finally {
			fs.closeSync(out); // the child holds its own copy
		}
		await this.waitUntilStarted(startOffset);
	}

	private async waitUntilStarted(startOffset: number): Promise<void> {
		const deadline = Date.now() + this.readyTimeoutMs;
		while (Date.now() < deadline) {
			if (!this.isRunning()) {
				const exit = await this.proc!.exited;
				throw new Error(
					`n8n exited during start-up (code ${exit.code}, signal ${exit.signal}); log ${this.logFile}:\n${tail(this.logText())}`,
				);
			}
			if (this.logSince(startOffset).includes(STARTED_LINE) && (await this.ready())) return;
			await sleep(250);
		}
		await this.stop(5_000);
		throw new Error(`n8n not ready after ${this.readyTimeoutMs} ms; log ${this.logFile}:\n${tail(this.logText())}`);
	}

	private async ready(): Promise<boolean> {
		try {
			const response = await fetch(`${this.baseUrl}/healthz/readiness`, { signal: AbortSignal.timeout(2_000) });
			return response.ok;
		} catch {
			return false;
		}
	}
}

export function tail(text: string, lines = 60): string {
	return text.split('\n').slice(-lines).join('\n');
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
