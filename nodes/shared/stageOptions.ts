/** Stage dropdowns (loadOptions) of the Lead node and the lead triggers. */
import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import type { Stage } from '../../core';
import { withStore } from './storeFromCredential';

async function stages(fn: ILoadOptionsFunctions): Promise<Stage[]> {
	return withStore(await fn.getCredentials('leadStoreApi'), (store) => store.read((t) => t.listStages()));
}

const option = (s: Stage): INodePropertyOptions => ({
	name: s.kind === 'open' ? s.name : `${s.name} (${s.kind})`,
	value: String(s.id),
});

/** Every stage, Won and Lost included (they are marked). */
export async function getStages(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return (await stages(this)).map(option);
}

/** "Any Stage" first, then every stage. */
export async function getStagesOrAny(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return [{ name: 'Any Stage', value: 'any', description: 'Any stage change' }, ...(await stages(this)).map(option)];
}

/** Open stages only: Won and Lost are never offered to the Stale Lead Trigger. */
export async function getOpenStages(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return (await stages(this)).filter((s) => s.kind === 'open').map(option);
}
