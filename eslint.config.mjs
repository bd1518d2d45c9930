// n8n's lint for community packages: `@n8n/node-cli`'s ESLint config (what `n8n-node lint` runs), in
// its variant without the n8n Cloud rules, since a database package cannot be Cloud-verified. It
// brings eslint-plugin-n8n-nodes-base (community rules on package.json, credential rules on
// credentials/, node rules on nodes/), @n8n/eslint-plugin-community-nodes, typescript-eslint and
// import-x, and parses package.json with the TypeScript parser, under which the package.json rules
// run (jsonc-eslint-parser gives them an AST they ignore). Every rule turned off below says why; the
// README's "Lint" section lists the same.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';
import globals from 'globals';

// The js and typescript-eslint rule sets n8n's config itself applies, so one copy of each plugin runs.
const fromNodeCli = createRequire(fileURLToPath(import.meta.resolve('@n8n/node-cli/eslint')));
const js = fromNodeCli('@eslint/js');
const tseslint = fromNodeCli('typescript-eslint');

// What ships (dist/ is built from these): n8n's config applies here, not to tests and tools.
const shipped = ['core/**/*.ts', 'nodes/**/*.ts', 'credentials/**/*.ts'];
const n8n = configWithoutCloudSupport.map((block) =>
	block.files?.length === 1 && block.files[0] === '**/*.ts' ? { ...block, files: shipped } : block,
);

export default tseslint.config(
	{
		ignores: ['dist/**', 'node_modules/**', '.n8n-runtime/**', '.n8n-data/**', 'test/lint/fixtures/**', 'eslint.config.mjs'],
	},
	...n8n,
	{
		files: ['core/**/*.ts'],
		rules: {
			// core/ imports nothing from n8n (a house rule), so it cannot throw NodeApiError; the nodes
			// turn its errors into NodeOperationError with the item and field (nodes/shared/errors.ts).
			'@n8n/community-nodes/require-node-api-error': 'off',
		},
	},
	{
		files: ['core/sql/sqlite*.ts'],
		rules: {
			// node:sqlite is required when a SQLite store opens, not at import: a PostgreSQL store keeps
			// working on a Node without node:sqlite instead of the whole package failing to load.
			'@typescript-eslint/no-require-imports': 'off',
		},
	},
	{
		files: ['nodes/shared/storeFromCredential.ts'],
		rules: {
			// Leasing a store has no node at hand; the failed open it re-throws reaches runItems and the
			// triggers, which turn it into a NodeOperationError (nodes/shared/errors.ts, trigger.ts).
			'@n8n/community-nodes/require-node-api-error': 'off',
		},
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			// A database connection, like n8n's own Postgres credential ("Postgres"): "Lead Store API"
			// would tell the user there is an HTTP API to reach.
			'n8n-nodes-base/cred-class-field-display-name-missing-api': 'off',
		},
	},
	{
		files: ['package.json'],
		rules: {
			// The package is a lead store: it needs a database driver (`pg`) that n8n does not lend to
			// community packages, and luxon for due dates in the workflow's time zone. This is why the
			// package cannot be n8n Cloud-verified; self-hosted n8n installs dependencies as npm does.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
			// The author is the contributors (name and GitHub URL); there is no project mail address to
			// give, and questions go to the GitHub issues named in "bugs". A missing author still fails
			// (n8n-nodes-base/community-package-json-author-missing).
			'@n8n/community-nodes/valid-author': 'off',
		},
	},
	{
		// Tests, benchmarks and tools: typescript-eslint's recommended rules, not the node rules.
		files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
		extends: [js.configs.recommended, tseslint.configs.recommended],
	},
	{
		files: ['test/e2e/harness/**/*.ts'],
		rules: {
			// n8n's REST and CLI answers are untyped JSON handed on to the tests, which check fields.
			'@typescript-eslint/no-explicit-any': 'off',
		},
	},
	{
		files: ['test/**/*.mjs'],
		extends: [js.configs.recommended],
		languageOptions: { globals: { ...globals.node } },
	},
	{
		files: ['test/**/*.js', 'scripts/**/*.js', 'gulpfile.js'],
		extends: [js.configs.recommended],
		languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
		// `const { a, ...rest } = x` drops keys on purpose (scripts/lib/installPackage.js).
		rules: { 'no-unused-vars': ['error', { ignoreRestSiblings: true }] },
	},
);
