// Types for leadDesk.js, used by the browser suite and the examples e2e test.
/* eslint-disable @typescript-eslint/no-explicit-any -- n8n's workflow and API JSON, as loosely typed as the harness reads it */
import type { N8nClient, Login } from './n8nClient';

export interface StoreCredentialData {
	backend: 'sqlite' | 'postgres';
	[key: string]: unknown;
}
export interface ExampleFile {
	file: string;
	workflow: { name: string; nodes: any[]; connections: any; [key: string]: unknown };
}
export interface DeskWorkflow {
	file: string;
	name: string;
	id: string;
	imported: boolean;
	published: boolean;
	needs: string[];
}
export interface Desk {
	client: N8nClient;
	owner: Login;
	ownerCreated: boolean;
	credential: { id: string; name: string };
	credentialCreated: boolean;
	backend: string;
	workflows: DeskWorkflow[];
}
export interface Seeded {
	made: { members: number; pool: boolean; leads: number };
	team: string[];
}

export declare const STATE_FILE: string;
export declare const DEMO_TEAM: ReadonlyArray<{ name: string; email: string }>;
export declare const DEMO_POOL: string;
export declare function readState(userFolder: string): any;
export declare function storeCredentialData(env?: NodeJS.ProcessEnv): StoreCredentialData;
export declare function credentialName(data: StoreCredentialData): string;
export declare function seedStore(options: { packageDir: string; userFolder: string; data: StoreCredentialData }): Promise<Seeded>;
export declare function ensureExamples(client: N8nClient, credential: { id: string; name: string }, examples?: ExampleFile[]): Promise<DeskWorkflow[]>;
export declare function prepareDesk(options: { baseUrl: string; userFolder: string; env?: NodeJS.ProcessEnv; examples?: ExampleFile[] }): Promise<Desk>;
export declare function summary(options: { baseUrl: string; desk: Desk; seeded: Seeded }): string;
