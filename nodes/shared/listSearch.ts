/** List searches behind the lead, stage and member pickers. Shared by every node that has one. */
import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import type { FilterGroup, LeadOps } from '../../core';
import { withStore } from './storeFromCredential';

const PAGE = 50;

/** A read on the credential's store: pickers never wait for writers. */
async function read<T>(fn: ILoadOptionsFunctions, query: (ops: LeadOps) => Promise<T>): Promise<T> {
	return withStore(await fn.getCredentials('leadStoreApi'), (store) => store.read(query));
}

export async function searchLeads(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const text = filter?.trim();
	const query: FilterGroup | undefined = text
		? {
				combinator: 'or',
				conditions: [
					{ field: 'name', operator: 'contains', value: text },
					{ field: 'email', operator: 'contains', value: text },
					{ field: 'phone', operator: 'contains', value: text },
				],
			}
		: undefined;
	const page = await read(this, (t) => t.findLeads({ filter: query, limit: PAGE, after: paginationToken ? Number(paginationToken) : undefined }));
	return {
		results: page.items.map((l) => ({ name: `${l.name ?? l.email ?? l.phone} (#${l.id}, ${l.stage.name})`, value: String(l.id) })),
		paginationToken: page.nextCursor === null ? undefined : String(page.nextCursor),
	};
}

export async function searchStages(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const stages = await read(this, (t) => t.listStages());
	const text = filter?.trim().toLowerCase();
	return {
		results: stages
			.filter((s) => !text || s.name.toLowerCase().includes(text))
			.map((s) => ({ name: s.kind === 'open' ? s.name : `${s.name} (${s.kind})`, value: String(s.id) })),
	};
}

export async function searchMembers(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const members = await read(this, (t) => t.listMembers({ search: filter?.trim() || undefined }));
	return {
		results: members.map((m) => ({ name: `${m.name}${m.email ? ` <${m.email}>` : ''}${m.active ? '' : ' (inactive)'}`, value: String(m.id) })),
	};
}
