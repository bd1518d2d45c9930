import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';
import { openLeadStore, schemaVersion } from '../../core';
import { storeConfig } from './storeFromCredential';

/** Connects, runs the migrations, reports the schema version; or says exactly what failed. */
export async function leadStoreApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const config = storeConfig(credential.data ?? {});
	try {
		const store = await openLeadStore(config);
		try {
			const version = await schemaVersion(store.driver);
			return { status: 'OK', message: `Connected to ${store.location}; schema version ${version}` };
		} finally {
			await store.close();
		}
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
}
