// Driving n8n over HTTP without a browser: the owner's cookie for the internal /rest API (manual
// runs, API keys), an API key for the documented public API (/api/v1) for everything else. The
// client itself is shared with `npm start` (scripts/lib/n8nClient.js).
import { N8nClient } from '../../../scripts/lib/n8nClient';
import { sleep } from './n8nProcess';

export interface Owner {
	email: string;
	firstName: string;
	lastName: string;
	password: string;
}

export const DEFAULT_OWNER: Owner = {
	email: 'owner@example.com',
	firstName: 'Test',
	lastName: 'Owner',
	password: 'Owner-Passw0rd!',
};

export interface Execution {
	id: string;
	workflowId: string;
	mode: string;
	status: string;
	finished: boolean;
	startedAt: string;
	stoppedAt: string | null;
	data?: any;
	[key: string]: unknown;
}

/** The shared client (scripts/lib/n8nClient.js, also used by `npm start`) plus what tests read. */
export class N8nApi extends N8nClient {
	/** First start of an instance: creates the owner, logs in, creates an API key with every scope. */
	static async setup(baseUrl: string, owner: Owner = DEFAULT_OWNER): Promise<N8nApi> {
		return N8nApi.setupOwner(baseUrl, owner, `e2e ${Date.now()}`);
	}

	/** An instance whose owner exists already (e.g. the persistent `npm start` folder). */
	static async login(baseUrl: string, owner: Owner = DEFAULT_OWNER): Promise<N8nApi> {
		return N8nApi.logInOwner(baseUrl, owner, `e2e ${Date.now()}`);
	}

	/** Names of every node type n8n loaded (as the editor sees them), e.g. `<package>.<node>`. */
	async nodeTypes(): Promise<string[]> {
		const types = await this.request('GET', '/types/nodes.json', this.cookieHeaders());
		return (types as Array<{ name: string }>).map((t) => t.name);
	}

	async credentialTypes(): Promise<string[]> {
		const types = await this.request('GET', '/types/credentials.json', this.cookieHeaders());
		return (types as Array<{ name: string }>).map((t) => t.name);
	}

	/** All executions of a workflow, oldest first (the API pages newest first). */
	async listExecutions(workflowId: string, includeData = false): Promise<Execution[]> {
		const all: Execution[] = [];
		let cursor: string | undefined;
		do {
			const query = new URLSearchParams({ workflowId, includeData: String(includeData), limit: '250' });
			if (cursor) query.set('cursor', cursor);
			const page = await this.api<{ data: Execution[]; nextCursor?: string | null }>('GET', `/executions?${query}`);
			all.push(...page.data);
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		return all.sort((a, b) => Number(a.id) - Number(b.id));
	}

	async getExecution(id: string, includeData = true): Promise<Execution> {
		return this.api('GET', `/executions/${id}?includeData=${includeData}`);
	}

	/**
	 * Polls until the workflow has at least `count` finished executions (stoppedAt set) and returns
	 * them oldest first; throws with what it saw after `timeoutMs`.
	 */
	async waitForExecutions(
		workflowId: string,
		count: number,
		timeoutMs = 30_000,
		options: { includeData?: boolean; intervalMs?: number } = {},
	): Promise<Execution[]> {
		const { includeData = true, intervalMs = 250 } = options;
		const deadline = Date.now() + timeoutMs;
		let finished: Execution[] = [];
		for (;;) {
			finished = (await this.listExecutions(workflowId, includeData)).filter((e) => e.stoppedAt);
			if (finished.length >= count) return finished;
			if (Date.now() > deadline) break;
			await sleep(intervalMs);
		}
		throw new Error(
			`workflow ${workflowId}: ${finished.length} of ${count} executions finished after ${timeoutMs} ms ` +
				`(${finished.map((e) => `${e.id}:${e.status}`).join(', ') || 'none'})`,
		);
	}

	/**
	 * The editor's "Execute workflow" from one trigger (cookie auth). Returns `{ executionId }` at once,
	 * also for an event-style trigger (the execution then waits for its emit); webhook triggers answer
	 * `{ waitingForWebhook: true }` instead.
	 */
	async runManually(workflowId: string, triggerName: string): Promise<{ executionId?: string; waitingForWebhook?: boolean }> {
		return this.rest('POST', `/rest/workflows/${workflowId}/run`, { triggerToStartFrom: { name: triggerName } });
	}
}
