// Driving n8n over HTTP without a browser, shared by `npm start` (scripts/lib/leadDesk.js) and the
// e2e harness (test/e2e/harness/api.ts extends it): the owner's cookie for the internal /rest API
// (owner setup, login, API keys, manual runs), an API key for the documented public API (/api/v1).
'use strict';

// Public API workflow fields that are writable; exported workflow JSON carries read-only ones
// (id, active, tags, versionId...) that the API rejects (additionalProperties: false).
const WRITABLE_WORKFLOW_FIELDS = ['name', 'description', 'nodes', 'connections', 'settings', 'staticData', 'pinData', 'nodeGroups'];

// n8n binds the auth cookie to a browser-id header when one was sent at login; we always send one.
const BROWSER_ID = 'lead-n8n-client';

/**
 * fetch, sent once more when the connection was reset before any answer: fetch keeps sockets
 * alive, and the first request after n8n restarted can go out on one the old process closed.
 * Such a request reached nobody; fetch itself retries only idempotent ones.
 */
async function fetchAfterRestart(url, init) {
	try {
		return await fetch(url, init);
	} catch (error) {
		if (error?.cause?.code !== 'ECONNRESET') throw error;
		return fetch(url, init);
	}
}

class N8nClient {
	constructor(baseUrl, cookie, apiKey) {
		this.baseUrl = baseUrl;
		this.cookie = cookie;
		this.apiKey = apiKey;
	}

	/** First start of an instance: creates the owner, logs in, creates an API key with every scope. */
	static async setupOwner(baseUrl, owner, keyLabel) {
		return this.authenticate(baseUrl, '/rest/owner/setup', owner, keyLabel);
	}

	/** An instance whose owner exists already. */
	static async logInOwner(baseUrl, owner, keyLabel) {
		return this.authenticate(baseUrl, '/rest/login', { emailOrLdapLoginId: owner.email, password: owner.password }, keyLabel);
	}

	/** Cookie only (no new API key), e.g. to check a stored key or to run workflows by hand. */
	static async cookieFor(baseUrl, path, body) {
		const response = await fetchAfterRestart(`${baseUrl}${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': BROWSER_ID },
			body: JSON.stringify(body),
		});
		if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
		return response.headers
			.getSetCookie()
			.map((line) => line.split(';')[0])
			.join('; ');
	}

	static async authenticate(baseUrl, path, body, keyLabel = `lead ${Date.now()}`) {
		const cookie = await this.cookieFor(baseUrl, path, body);
		const withCookie = new this(baseUrl, cookie, '');
		const scopes = await withCookie.rest('GET', '/rest/api-keys/scopes');
		const key = await withCookie.rest('POST', '/rest/api-keys', { label: keyLabel, scopes, expiresAt: null });
		return new this(baseUrl, cookie, key.rawApiKey);
	}

	/** Whether the instance still asks for its owner (a fresh database). */
	static async needsOwnerSetup(baseUrl) {
		const response = await fetchAfterRestart(`${baseUrl}/rest/settings`);
		if (!response.ok) throw new Error(`GET /rest/settings: ${response.status}`);
		const settings = (await response.json()).data;
		return settings?.userManagement?.showSetupOnFirstLoad === true;
	}

	/** Headers of a cookie-authenticated request (the browser id the cookie was bound to). */
	cookieHeaders() {
		return { cookie: this.cookie, 'browser-id': BROWSER_ID };
	}

	/** Internal API (cookie auth); unwraps n8n's `{ data }` envelope. */
	async rest(method, path, body) {
		const json = await this.request(method, path, this.cookieHeaders(), body);
		return json?.data;
	}

	/** Public API (X-N8N-API-KEY); path relative to /api/v1. */
	async api(method, path, body) {
		return this.request(method, `/api/v1${path}`, { 'X-N8N-API-KEY': this.apiKey }, body);
	}

	async request(method, path, headers, body) {
		const response = await fetchAfterRestart(`${this.baseUrl}${path}`, {
			method,
			headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) {
			const error = new Error(`${method} ${path}: ${response.status} ${text}`);
			error.status = response.status;
			throw error;
		}
		return text ? JSON.parse(text) : undefined;
	}

	async createCredential(type, name, data) {
		return this.api('POST', '/credentials', { type, name, data });
	}

	/** Accepts an exported workflow as is; fields the public API treats as read-only are dropped. */
	async createWorkflow(workflow) {
		const body = { settings: {} };
		for (const field of WRITABLE_WORKFLOW_FIELDS) if (workflow[field] !== undefined) body[field] = workflow[field];
		return this.api('POST', '/workflows', body);
	}

	/** Every workflow (public API pages of 250). */
	async listWorkflows() {
		const all = [];
		let cursor;
		do {
			const query = new URLSearchParams({ limit: '250' });
			if (cursor) query.set('cursor', cursor);
			const page = await this.api('GET', `/workflows?${query}`);
			all.push(...page.data);
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		return all;
	}

	async getWorkflow(id) {
		return this.api('GET', `/workflows/${id}`);
	}

	/** Publishes the workflow: triggers start (activation mode `activate`). */
	async activate(id) {
		return this.api('POST', `/workflows/${id}/activate`);
	}

	async deactivate(id) {
		return this.api('POST', `/workflows/${id}/deactivate`);
	}
}

module.exports = { N8nClient, WRITABLE_WORKFLOW_FIELDS, fetchAfterRestart };
