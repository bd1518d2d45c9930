// Types for n8nClient.js, so the TypeScript e2e harness (test/e2e/harness/api.ts) can extend it.
/* eslint-disable @typescript-eslint/no-explicit-any -- n8n's workflow and API JSON, as loosely typed as the harness reads it */
export declare const WRITABLE_WORKFLOW_FIELDS: readonly string[];
/** fetch, sent once more when the connection was reset before any answer (a socket of an n8n that restarted). */
export declare function fetchAfterRestart(url: string, init?: RequestInit): Promise<Response>;

export interface Login {
	email: string;
	password: string;
	firstName?: string;
	lastName?: string;
}

export declare class N8nClient {
	readonly baseUrl: string;
	readonly cookie: string;
	readonly apiKey: string;
	constructor(baseUrl: string, cookie: string, apiKey: string);
	static setupOwner<T extends N8nClient>(this: new (baseUrl: string, cookie: string, apiKey: string) => T, baseUrl: string, owner: Login, keyLabel?: string): Promise<T>;
	static logInOwner<T extends N8nClient>(this: new (baseUrl: string, cookie: string, apiKey: string) => T, baseUrl: string, owner: Login, keyLabel?: string): Promise<T>;
	static cookieFor(baseUrl: string, path: string, body: object): Promise<string>;
	static needsOwnerSetup(baseUrl: string): Promise<boolean>;
	cookieHeaders(): Record<string, string>;
	rest<T = any>(method: string, path: string, body?: unknown): Promise<T>;
	api<T = any>(method: string, path: string, body?: unknown): Promise<T>;
	request(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<any>;
	createCredential(type: string, name: string, data: Record<string, unknown>): Promise<{ id: string; name: string; type: string }>;
	createWorkflow(workflow: Record<string, unknown>): Promise<{ id: string; [key: string]: unknown }>;
	listWorkflows(): Promise<Array<{ id: string; name: string; active: boolean; [key: string]: unknown }>>;
	getWorkflow(id: string): Promise<any>;
	activate(id: string): Promise<any>;
	deactivate(id: string): Promise<any>;
}
