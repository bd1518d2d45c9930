/**
 * What the action nodes share besides their description: the pickers and the credential test.
 * Each node writes its description as an object literal (icon, credentials, connections
 * included), because n8n's lint rules read that literal and see nothing behind a helper call.
 */
import { leadStoreApiTest } from './credentialTest';
import { searchLeads, searchMembers, searchStages } from './listSearch';
import { searchOpportunities, searchOpportunityStatuses } from './opportunities/listSearch';

/** The pickers and the credential test every action node offers. */
export const actionMethods = () => ({
	listSearch: { searchLeads, searchStages, searchMembers, searchOpportunities, searchOpportunityStatuses },
	credentialTest: { leadStoreApiTest },
});
