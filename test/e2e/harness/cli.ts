// One-shot n8n CLI commands against a user folder: `import:workflow` and `execute`.
// They open the same SQLite database as a running `n8n start` on that folder (this works), and each
// needs its own task-runner broker port, or it quits when the server's broker holds the default.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ExtraEnv, freePort, n8nBin, n8nEnv, node24Path } from './runtime';
import { Exit, spawnTracked, stopTracked } from './processes';

export interface CommandResult extends Exit {
	stdout: string;
	stderr: string;
}

export interface CommandOptions {
	extraEnv?: ExtraEnv;
	timeoutMs?: number;
}

export async function runN8nCommand(userFolder: string, args: string[], options: CommandOptions = {}): Promise<CommandResult> {
	const { extraEnv = {}, timeoutMs = 120_000 } = options;
	const proc = spawnTracked(node24Path(), [n8nBin(), ...args], {
		cwd: userFolder,
		env: n8nEnv({ userFolder, brokerPort: await freePort(), extraEnv }),
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	proc.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
	proc.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
	const timer = setTimeout(() => void stopTracked(proc, 5_000), timeoutMs);
	const exit = await proc.exited;
	clearTimeout(timer);
	return { ...exit, stdout, stderr };
}

/** n8n's workflow ids are 16 alphanumerics; fixing it here lets the caller know it before import. */
export function newWorkflowId(): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return Array.from(crypto.randomBytes(16), (byte) => alphabet[byte % alphabet.length]).join('');
}

/** Imports one workflow (object or JSON file) and returns its id (the given one, or a new one). */
export async function importWorkflow(
	userFolder: string,
	workflow: Record<string, unknown> | string,
	options: CommandOptions = {},
): Promise<string> {
	const data = typeof workflow === 'string' ? JSON.parse(fs.readFileSync(workflow, 'utf8')) : { ...workflow };
	data.id ??= newWorkflowId();
	data.active ??= false;
	const file = path.join(userFolder, `import-${data.id}.json`);
	fs.writeFileSync(file, JSON.stringify(data));
	const result = await runN8nCommand(userFolder, ['import:workflow', `--input=${file}`], options);
	if (result.code !== 0 || !/Successfully imported 1 workflow/.test(result.stdout + result.stderr)) {
		throw new Error(`import:workflow failed (code ${result.code}, signal ${result.signal}):\n${result.stdout}\n${result.stderr}`);
	}
	return data.id as string;
}

export interface ExecuteResult extends CommandResult {
	/** The execution (IRun JSON) n8n printed; also printed when the workflow failed. */
	run: any | undefined;
	status: string | undefined;
	/**
	 * n8n 2.41.1's `execute` often dies of SIGSEGV while exiting, after printing a complete result
	 * (V8 in a worker thread during process teardown; seen with built-in nodes only too). Tests
	 * should judge `run`/`status`, not the exit code; this flag says it happened.
	 */
	crashedAtExit: boolean;
}

/** `n8n execute --id=ID --rawOutput`: only workflows starting with a Manual Trigger. */
export async function executeWorkflow(userFolder: string, workflowId: string, options: CommandOptions = {}): Promise<ExecuteResult> {
	const result = await runN8nCommand(userFolder, ['execute', `--id=${workflowId}`, '--rawOutput'], options);
	const run = parseExecuteOutput(result.stdout);
	return {
		...result,
		run,
		status: run?.status,
		crashedAtExit: result.signal === 'SIGSEGV' || result.code === 139,
	};
}

/**
 * The result is `JSON.stringify(run, null, 2)` between log lines (task broker, license, Python
 * runner warnings), so it starts with a line that is exactly "{" and ends with one that is "}".
 */
export function parseExecuteOutput(stdout: string): any | undefined {
	const lines = stdout.split('\n');
	const start = lines.indexOf('{');
	if (start < 0) return undefined;
	for (let end = start + 1; end < lines.length; end++) {
		if (lines[end] !== '}') continue;
		try {
			return JSON.parse(lines.slice(start, end + 1).join('\n'));
		} catch {
			// a "}" of something else: keep looking
		}
	}
	return undefined;
}
