/** What our nodes share: their look, connections, the credential; actions add tool use and pickers. */
import { NodeConnectionTypes, type INodeTypeDescription } from 'n8n-workflow';
import { leadStoreApiTest } from './credentialTest';
import { leadStoreCredential } from './descriptions';
import { searchLeads, searchMembers, searchStages } from './listSearch';

export const LEAD_ICON = { light: 'file:../../icons/lead.svg', dark: 'file:../../icons/lead.dark.svg' } as const;

type ActionSpecifics = Pick<INodeTypeDescription, 'displayName' | 'name' | 'subtitle' | 'description' | 'properties'>;
type TriggerSpecifics = ActionSpecifics & Partial<Pick<INodeTypeDescription, 'eventTriggerDescription' | 'activationMessage'>>;

export function triggerDescription(specifics: TriggerSpecifics): INodeTypeDescription {
	return {
		icon: LEAD_ICON,
		group: ['trigger'],
		version: 1,
		defaults: { name: specifics.displayName },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: leadStoreCredential,
		...specifics,
	};
}

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
