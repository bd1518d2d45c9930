/**
 * The core compiled to plain CommonJS, for code that runs outside jest (child processes in the
 * concurrency tests). Each file is transpiled on its own (the core is isolatedModules-clean), so
 * this takes milliseconds and does not type-check; `npm run typecheck` does that. The output
 * lands in a folder named by a hash of the sources, so unchanged sources are reused.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';

export const REPO_ROOT = path.resolve(__dirname, '../..');

let compiled: string | undefined;

/** The folder holding the compiled core (require it for core/index). */
export function compileCore(): string {
	if (compiled) return compiled;
	const src = path.join(REPO_ROOT, 'core');
	const files = listTs(src);
	const hash = createHash('sha256');
	for (const file of files) hash.update(file).update(fs.readFileSync(file));
	const out = path.join(os.tmpdir(), `lead-core-${hash.digest('hex').slice(0, 16)}`);
	if (!fs.existsSync(path.join(out, 'index.js'))) {
		const staging = `${out}.${process.pid}.tmp`;
		for (const file of files) {
			const { outputText } = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
				fileName: file,
				compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
			});
			const target = path.join(staging, path.relative(src, file)).replace(/\.ts$/, '.js');
			fs.mkdirSync(path.dirname(target), { recursive: true });
			fs.writeFileSync(target, outputText);
		}
		// Another jest worker may have finished the same folder meanwhile; either copy is fine.
		try {
			fs.renameSync(staging, out);
		} catch {
			fs.rmSync(staging, { recursive: true, force: true });
		}
	}
	return (compiled = out);
}

function listTs(dir: string): string[] {
	return fs
		.readdirSync(dir, { withFileTypes: true })
		.flatMap((e) => (e.isDirectory() ? listTs(path.join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path.join(dir, e.name)] : []))
		.sort();
}
