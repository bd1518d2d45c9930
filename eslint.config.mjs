// n8n's node-linting rules (eslint-plugin-n8n-nodes-base), as the starter applies them:
// community rules on package.json, credential rules on credentials/, node rules on nodes/.
// The core/ folder holds no n8n code, so only TypeScript parsing applies there.
import tsParser from '@typescript-eslint/parser';
import * as jsonParser from 'jsonc-eslint-parser';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';

const plugins = { 'n8n-nodes-base': n8nNodesBase };
const ts = { parser: tsParser, parserOptions: { sourceType: 'module' } };

export default [
	{ ignores: ['dist/**', 'node_modules/**', '.n8n-runtime/**', '.n8n-data/**', 'test/**', 'bench/**', 'scripts/**', '*.js', '*.mjs'] },
	{ files: ['core/**/*.ts'], languageOptions: ts },
	{
		files: ['package.json'],
		languageOptions: { parser: jsonParser },
		plugins,
		rules: n8nNodesBase.configs.community.rules,
	},
	{
		files: ['credentials/**/*.ts'],
		languageOptions: ts,
		plugins,
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// A database connection, like n8n's own Postgres credential: "API" would mislead.
			'n8n-nodes-base/cred-class-field-display-name-missing-api': 'off',
			// The rule wants a docs.n8n.io slug; our documentation is the package README, a full URL.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		languageOptions: ts,
		plugins,
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// n8n 2.x nodes declare connections with NodeConnectionTypes.Main; the rule predates it.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
];
