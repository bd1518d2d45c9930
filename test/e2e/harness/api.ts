// Driving n8n over HTTP without a browser: the owner's cookie for the internal /rest API (manual
// runs, API keys), an API key for the documented public API (/api/v1) for everything else.
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

// Public API workflow fields that are writable; exported workflow JSON carries read-only ones
// (id, active, tags, versionId...) that the API rejects (additionalProperties: false).
const WRITABLE_WORKFLOW_FIELDS = ['name', 'description', 'nodes', 'connections', 'settings', 'staticData', 'pinData', 'nodeGroups'];

// n8n binds the auth cookie to a browser-id header when one was sent at login; we always send one.
const BROWSER_ID = 'lead-e2e-harness';

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

export class N8nApi {
	private constructor(
		readonly baseUrl: string,
		readonly cookie: string,
		readonly apiKey: string,
	) {}

	/** First start of an instance: creates the owner, logs in, creates an API key with every scope. */
	static async setup(baseUrl: string, owner: Owner = DEFAULT_OWNER): Promise<N8nApi> {
		return N8nApi.authenticate(baseUrl, '/rest/owner/setup', owner);
	}

	/** An instance whose owner exists already (e.g. the persistent `npm start` folder). */
	static async login(baseUrl: string, owner: Owner = DEFAULT_OWNER): Promise<N8nApi> {
		return N8nApi.authenticate(baseUrl, '/rest/login', { emailOrLdapLoginId: owner.email, password: owner.password });
	}

	private static async authenticate(baseUrl: string, path: string, body: object): Promise<N8nApi> {
		const response = await fetch(`${baseUrl}${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': BROWSER_ID },
			body: JSON.stringify(body),
		});
		if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
		const cookie = response.headers
			.getSetCookie()
			.map((line) => line.split(';')[0])
			.join('; ');
		const withCookie = new N8nApi(baseUrl, cookie, '');
		const scopes = await withCookie.rest<string[]>('GET', '/rest/api-keys/scopes');
		const key = await withCookie.rest<{ rawApiKey: string }>('POST', '/rest/api-keys', {
			label: `e2e ${Date.now()}`,
			scopes,
			expiresAt: null,
		});
		return new N8nApi(baseUrl, cookie, key.rawApiKey);
	}

	/** Internal API (cookie auth); unwraps n8n's `{ data }` envelope. */
	async rest<T = any>(method: string, path: string, body?: unknown): Promise<T> {
		const json = await this.request(method, path, { cookie: this.cookie, 'browser-id': BROWSER_ID }, body);
		return json?.data as T;
	}

	/** Public API (X-N8N-API-KEY); path relative to /api/v1. */
	async api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
		return this.request(method, `/api/v1${path}`, { 'X-N8N-API-KEY': this.apiKey }, body);
	}

	private async request(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<any> {
		const response = await fetch(`${this.baseUrl}${path}`, {
			method,
			headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
		return text ? JSON.parse(text) : undefined;
	}

	/** Names of every node type n8n loaded (as the editor sees them), e.g. `<package>.<node>`. */
	async nodeTypes(): Promise<string[]> {
		const types = await this.request('GET', '/types/nodes.json', { cookie: this.cookie, 'browser-id': BROWSER_ID });
		return (types as Array<{ name: string }>).map((t) => t.name);
	}

	async credentialTypes(): Promise<string[]> {
		const types = await this.request('GET', '/types/credentials.json', { cookie: this.cookie, 'browser-id': BROWSER_ID });
		return (types as Array<{ name: string }>).map((t) => t.name);
	}

	async createCredential(type: string, name: string, data: Record<string, unknown>): Promise<{ id: string; name: string; type: string }> {
		return this.api('POST', '/credentials', { type, name, data });
	}

	/** Accepts an exported workflow as is; fields the public API treats as read-only are dropped. */
	async createWorkflow(workflow: Record<string, unknown>): Promise<{ id: string; [key: string]: unknown }> {
		const body: Record<string, unknown> = { settings: {} };
		for (const field of WRITABLE_WORKFLOW_FIELDS) if (workflow[field] !== undefined) body[field] = workflow[field];
		return this.api('POST', '/workflows', body);
	}

	async getWorkflow(id: string): Promise<any> {
		return this.api('GET', `/workflows/${id}`);
	}

	/** Publishes the workflow: triggers start (activation mode `activate`). */
	async activate(id: string): Promise<any> {
		return this.api('POST', `/workflows/${id}/activate`);
	}

	async deactivate(id: string): Promise<any> {
		return this.api('POST', `/workflows/${id}/deactivate`);
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
