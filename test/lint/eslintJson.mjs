// ESLint's Node API with the repo's eslint.config.mjs, run in a child process because jest's module
// sandbox cannot import an ES module config. Usage: node eslintJson.mjs <cwd> [file-to-lint-from-stdin]
// Lints every file under <cwd> (config paths such as nodes/** are relative to it), or the text on
// stdin as if it were that file. Prints [{ file, ruleId, severity, message }] as JSON.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const config = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../eslint.config.mjs');
const [cwd, stdinFile] = process.argv.slice(2);
const eslint = new ESLint({ cwd, overrideConfigFile: config });
let results;
if (stdinFile) {
	let text = '';
	for await (const chunk of process.stdin) text += chunk;
	results = await eslint.lintText(text, { filePath: path.resolve(cwd, stdinFile) });
} else {
	results = await eslint.lintFiles(['.']);
}
const findings = results.flatMap((result) =>
	result.messages.map((m) => ({ file: path.relative(cwd, result.filePath), ruleId: m.ruleId, severity: m.severity, message: m.message })),
);
process.stdout.write(JSON.stringify(findings));
