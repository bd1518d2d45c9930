// Types for n8nRuntime.js, so the TypeScript e2e harness can share it without allowJs.
import type { StdioOptions } from 'node:child_process';

export declare const repoRoot: string;
export declare function runtimeDir(): string;
export declare function n8nBin(): string;
export declare function node24Path(): string;
export declare function isRuntimeReady(): boolean;
export declare function ensureRuntime(options?: { timeoutMs?: number; stdio?: StdioOptions }): Promise<void>;
export declare function withNode24OnPath(pathValue: string | undefined): string;
export declare function freePort(): Promise<number>;

export type ExtraEnv = Record<string, string | number | boolean | undefined>;
export declare function n8nEnv(options: {
	userFolder: string;
	port?: number;
	brokerPort: number;
	extraEnv?: ExtraEnv;
}): NodeJS.ProcessEnv;

export type InstallMode = 'pack' | 'link';
export interface InstalledPackage {
	packageName: string;
	version: string;
	dir: string;
	mode: InstallMode;
}
export declare const N8N_NPM_INSTALL_FLAGS: readonly string[];
export declare function installPackage(options: {
	packageDir: string;
	userFolder: string;
	mode?: InstallMode;
}): InstalledPackage;

/** Why dist/ is older than the sources (or missing), or null when it is fresh. */
export declare function distStaleReason(packageDir: string): string | null;
