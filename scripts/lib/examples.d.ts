// Types for examples.js.
/* eslint-disable @typescript-eslint/no-explicit-any -- n8n's workflow and API JSON, as loosely typed as the harness reads it */
import type { ExampleFile } from './leadDesk';

export declare const EXAMPLES_DIR: string;
export declare function loadExamples(dir?: string): ExampleFile[];
export declare function bindCredentials<T extends { nodes: any[] }>(workflow: T, credential: { id: string; name: string }): T;
export declare function needsOutsideAccount(workflow: { nodes: any[] }): string[];
