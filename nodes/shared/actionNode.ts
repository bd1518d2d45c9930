/** What every action node shares: its look, its connections, the credential, tool use, pickers. */
import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';
import { leadStoreApiTest } from './credentialTest';
import { leadStoreCredential } from './descriptions';
import { searchLeads, searchMembers, searchStages } from './listSearch';

export const LEAD_ICON = { light: 'file:../../icons/lead.svg', dark: 'file:../../icons/lead.dark.svg' } as const;

type ActionSpecifics = Pick<INodeTypeDescription, 'displayName' | 'name' | 'subtitle' | 'description' | 'properties'>;

export function actionDescription(specifics: ActionSpecifics): INodeTypeDescription {
	return {
		icon: LEAD_ICON,
		group: ['transform'],
		version: 1,
		defaults: { name: specifics.displayName },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: leadStoreCredential,
		...specifics,
	};
}

/** The pickers and the credential test every action node offers. */
export const actionMethods = () => ({
	listSearch: { searchLeads, searchStages, searchMembers },
	credentialTest: { leadStoreApiTest },
});
