/** The opportunity and opportunity-status pickers, and the status dropdowns of the Opportunity Trigger. */
import type { ILoadOptionsFunctions, INodeListSearchResult, INodePropertyOptions } from 'n8n-workflow';
import type { LeadOps, Opportunity, OpportunityStatus } from '../../../core';
import { withStore } from '../storeFromCredential';

const PAGE = 50;

/** A read on the credential's store: pickers never wait for writers. */
async function read<T>(fn: ILoadOptionsFunctions, query: (ops: LeadOps) => Promise<T>): Promise<T> {
	return withStore(await fn.getCredentials('leadStoreApi'), (store) => store.read(query));
}

const money = (o: Opportunity) => (o.amount === null ? 'no value' : `${o.amount.toLocaleString('en', { minimumFractionDigits: 0, maximumFractionDigits: 4 })} ${o.currency}`);

/** Opportunities by id, in pages; typing a number lists that lead's opportunities. */
export async function searchOpportunities(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const text = filter?.trim();
	const leadId = text && /^\d+$/.test(text) ? text : undefined;
	const page = await read(this, (t) => t.findOpportunities({ leadId, limit: PAGE, after: paginationToken ? Number(paginationToken) : undefined }).catch(() => ({ items: [], nextCursor: null })));
	return {
		results: page.items.map((o) => ({ name: `#${o.id} on lead ${o.leadId}: ${money(o)} (${o.status.name})`, value: String(o.id) })),
		paginationToken: page.nextCursor === null ? undefined : String(page.nextCursor),
	};
}

const statusName = (s: OpportunityStatus) => (s.kind === 'active' ? s.name : `${s.name} (${s.kind})`);

export async function searchOpportunityStatuses(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const statuses = await read(this, (t) => t.listOpportunityStatuses());
	const text = filter?.trim().toLowerCase();
	return { results: statuses.filter((s) => !text || s.name.toLowerCase().includes(text)).map((s) => ({ name: statusName(s), value: String(s.id) })) };
}

/** Every status, Won and Lost kinds marked. */
export async function getOpportunityStatuses(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return (await read(this, (t) => t.listOpportunityStatuses())).map((s) => ({ name: statusName(s), value: String(s.id) }));
}

/** "Any Status" first, then every status. */
export async function getOpportunityStatusesOrAny(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return [{ name: 'Any Status', value: 'any', description: 'Any status change' }, ...(await getOpportunityStatuses.call(this))];
}
