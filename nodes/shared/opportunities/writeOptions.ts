/** How the opportunity nodes write: the credential's Default Currency and the workflow's timezone. */
import type { IExecuteFunctions } from 'n8n-workflow';
import type { OpportunityWriteOptions } from '../../../core';

export async function opportunityWriteOptions(fn: IExecuteFunctions): Promise<OpportunityWriteOptions> {
	const credentials = await fn.getCredentials('leadStoreApi');
	const currency = typeof credentials.defaultCurrency === 'string' && credentials.defaultCurrency.trim() !== '' ? credentials.defaultCurrency : undefined;
	return { defaultCurrency: currency, timezone: fn.getTimezone() };
}
