// Every process the harness starts goes through here, so none can outlive the test run.
// n8n forks task runners, so each process gets its own group (detached) and is killed as a group.
// Inside jest, process.on('exit') registers on jest's sandbox copy of `process` and never fires,
// hence the out-of-process reaper (reaper.js) that kills the group when this worker dies.
import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import path from 'node:path';

export interface Exit {
	code: number | null;
	signal: NodeJS.Signals | null;
}

export interface TrackedProcess {
	child: ChildProcess;
	pid: number;
	exited: Promise<Exit>;
	hasExited(): boolean;
}

const live = new Set<TrackedProcess>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// ESRCH: already gone
	}
}

export function spawnTracked(command: string, args: string[], options: SpawnOptions): TrackedProcess {
	const child = spawn(command, args, { ...options, detached: true });
	if (child.pid === undefined) throw new Error(`could not start ${command} ${args.join(' ')}`);
	const pid = child.pid;
	let done = false;
	const exited = new Promise<Exit>((resolve) => {
		child.once('exit', (code, signal) => {
			done = true;
			live.delete(tracked);
			// The leader is gone; its task runners must not linger in the group.
			killGroup(pid, 'SIGKILL');
			resolve({ code, signal });
		});
	});
	const tracked: TrackedProcess = { child, pid, exited, hasExited: () => done };
	live.add(tracked);
	spawn(process.execPath, [path.join(__dirname, 'reaper.js'), String(process.pid), String(pid)], {
		detached: true,
		stdio: 'ignore',
	}).unref();
	return tracked;
}

/** SIGTERM lets n8n shut down gracefully (closeFunction of triggers runs); SIGKILL after the grace. */
export async function stopTracked(tracked: TrackedProcess, graceMs = 30_000): Promise<Exit> {
	if (tracked.hasExited()) return tracked.exited;
	try {
		process.kill(tracked.pid, 'SIGTERM');
	} catch {
		// already exiting
	}
	let timer: NodeJS.Timeout | undefined;
	const timedOut = new Promise<'timeout'>((resolve) => {
		timer = setTimeout(() => resolve('timeout'), graceMs);
	});
	const first = await Promise.race([tracked.exited, timedOut]);
	clearTimeout(timer);
	if (first === 'timeout') killGroup(tracked.pid, 'SIGKILL');
	return tracked.exited;
}

/** For afterAll in test files: kill whatever is still running, at once. */
export async function killAllTracked(): Promise<void> {
	const pending = [...live];
	for (const tracked of pending) killGroup(tracked.pid, 'SIGKILL');
	await Promise.all(pending.map((tracked) => tracked.exited));
}
