import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Where the leads live. SQLite (one file, the default) suits a single n8n; PostgreSQL suits
 * queue mode, where several workers must share one store. Tested by the nodes' credential test,
 * which connects and runs the schema migrations.
 */
export class LeadStoreApi implements ICredentialType {
	name = 'leadStoreApi';

	displayName = 'Lead Store';

	icon = { light: 'file:../icons/lead.svg', dark: 'file:../icons/lead.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-lead-management/n8n-nodes-lead-management#the-lead-store';

	properties: INodeProperties[] = [
		{
			displayName: 'Backend',
			name: 'backend',
			type: 'options',
			options: [
				{ name: 'SQLite (Embedded File)', value: 'sqlite', description: 'One file next to n8n. For a single n8n instance.' },
				{ name: 'PostgreSQL', value: 'postgres', description: 'A shared server. Needed for queue mode with several workers.' },
			],
			default: 'sqlite',
		},
		{
			displayName: 'SQLite File',
			name: 'file',
			type: 'string',
			default: '',
			placeholder: '~/.n8n/lead-management.sqlite',
			description: 'Path of the database file. Empty: lead-management.sqlite in the n8n user folder.',
			displayOptions: { show: { backend: ['sqlite'] } },
		},
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: 'localhost',
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'Port',
			name: 'port',
			type: 'number',
			default: 5432,
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'Database',
			name: 'database',
			type: 'string',
			default: 'postgres',
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: 'postgres',
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'Schema',
			name: 'schema',
			type: 'string',
			default: 'lead_management',
			description: 'The store keeps its tables in this schema and creates it on first use',
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'SSL',
			name: 'ssl',
			type: 'options',
			options: [
				{ name: 'Disable', value: 'disable' },
				{ name: 'Require (Verify Certificate)', value: 'verify' },
				{ name: 'Require (Do Not Verify Certificate)', value: 'noVerify' },
			],
			default: 'disable',
			displayOptions: { show: { backend: ['postgres'] } },
		},
		{
			displayName: 'Default Currency',
			name: 'defaultCurrency',
			type: 'string',
			default: 'USD',
			placeholder: 'e.g. EUR',
			description: 'ISO 4217 code of opportunities created without a currency',
		},
	];
}
