/**
 * Copies a SQLite file's write-ahead log back into the database on a thread of its own.
 *
 * SQLite checkpoints by itself inside the commit that takes the log past its threshold (1,000
 * pages by default): that commit writes every page back and waits for two fsyncs, while n8n's
 * event loop stands still. A round-robin pick writes about a dozen pages, so every 80th or so
 * paid for it, and on this box the checkpoints took 45% of the picks' time. Here a worker thread
 * with a connection of its own runs a PASSIVE checkpoint (it never blocks a writer or a reader)
 * once some commits have gathered (or a second after a lone one), and the commits go on
 * meanwhile. After a complete checkpoint the next writer starts the log over.
 *
 * The writers keep SQLite's own checkpoint at BACKSTOP_PAGES: should the thread fall behind, or
 * a long reader keep the log from starting over, the log is still bounded as before.
 */
import { Worker } from 'node:worker_threads';

/** A checkpoint runs once this many commits have gathered, */
export const GATHER_COMMITS = 50;
/** or when the first of fewer has waited this long (ms). */
export const GATHER_MS = 1_000;
/** The writers' own automatic checkpoint while the thread runs (pages; SQLite's default is 1,000). */
export const BACKSTOP_PAGES = 10_000;
/** A log longer than this after a checkpoint is started over (RESTART) if no write is under way. */
export const RESTART_PAGES = 2_000;

// Slots of the shared signal.
const COMMITS = 0; // commits made in this process, counted by committed()
const WAITING = 1; // 1 while the thread sleeps until the next commit
const CLOSING = 2;
const PAUSE = 3; // never set: the thread's timed waits sleep on it

/** The thread: sleeps until a commit, lets more gather, checkpoints, and again. */
const THREAD = `
const { workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const signal = new Int32Array(workerData.signal);
const db = new DatabaseSync(workerData.file);
// Never waits for a lock: a RESTART that finds a write under way checkpoints what it can and returns.
db.exec('PRAGMA busy_timeout = 0');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const restart = db.prepare('PRAGMA wal_checkpoint(RESTART)');
const closing = () => Atomics.load(signal, ${CLOSING}) === 1;
let seen = 0;
while (!closing()) {
	Atomics.store(signal, ${WAITING}, 1);
	Atomics.wait(signal, ${COMMITS}, seen);
	Atomics.store(signal, ${WAITING}, 0);
	const since = Date.now();
	while (!closing() && Atomics.load(signal, ${COMMITS}) - seen < ${GATHER_COMMITS} && Date.now() - since < ${GATHER_MS}) {
		Atomics.wait(signal, ${PAUSE}, 0, 10);
	}
	if (closing()) break;
	seen = Atomics.load(signal, ${COMMITS});
	try {
		// Under a steady stream of writes the log never empties, so it does not start over by
		// itself and grows to the backstop; RESTART starts it over when it finds no write under way.
		if (checkpoint.get().log > ${RESTART_PAGES}) restart.get();
	} catch {
		// Busy (another connection checkpoints) or the file is gone: the next round tries again.
	}
}
db.close();
`;

export class SqliteCheckpointer {
	private readonly signal = new Int32Array(new SharedArrayBuffer(4 * 4));
	private readonly worker: Worker;
	private readonly exited: Promise<void>;
	private online = false;

	constructor(file: string) {
		this.worker = new Worker(THREAD, { eval: true, workerData: { file, signal: this.signal.buffer } });
		// Never what keeps n8n (or a test run) alive.
		this.worker.unref();
		this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
		this.worker.once('online', () => (this.online = true));
		// A thread that failed (no node:sqlite in workers, the file unreadable) leaves the writers'
		// own checkpoint at its backstop: the log stays bounded, only not as short.
		this.worker.on('error', () => undefined);
	}

	/** After a commit in this process: wakes the thread if it sleeps (a shared counter otherwise). */
	committed(): void {
		Atomics.add(this.signal, COMMITS, 1);
		if (Atomics.load(this.signal, WAITING) === 1) Atomics.notify(this.signal, COMMITS);
	}

	/** Lets a checkpoint in progress finish, then ends the thread and its connection. */
	async close(): Promise<void> {
		// Not running yet, so no connection of its own: no need to wait for it to start.
		if (!this.online) {
			await this.worker.terminate();
			return;
		}
		Atomics.store(this.signal, CLOSING, 1);
		Atomics.add(this.signal, COMMITS, 1);
		Atomics.notify(this.signal, COMMITS);
		Atomics.notify(this.signal, PAUSE);
		const late = setTimeout(() => void this.worker.terminate(), 5_000);
		await this.exited;
		clearTimeout(late);
	}
}
