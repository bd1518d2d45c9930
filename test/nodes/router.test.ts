/**
 * The Lead node's router: resource → operation → handler, one table. An unknown resource or an
 * operation its resource lacks is one clear error naming the field, where an unknown lead
 * operation used to crash with a TypeError and an unknown stage or member operation silently
 * ran "get many". Each item goes to its own operation.
 */
import type { INodeProperties } from 'n8n-workflow';
import { Lead } from '../../nodes/Lead/Lead.node';
import { resourceOptions, resources } from '../../nodes/Lead/router';
import { closeAllStores } from '../../nodes/shared/storeFromCredential';
import { actionNodeKit } from '../support/actionNodeKit';
import { forEachBackend } from '../support/backends';

const node = new Lead();
afterAll(closeAllStores);

describe('the table is the description', () => {
	const operationProperty = (resource: string) =>
		node.description.properties.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource)) as INodeProperties;

	it('offers exactly the resources of the table, and for each exactly its operations', () => {
		const offered = (node.description.properties.find((p) => p.name === 'resource')!.options as Array<{ value: string }>).map((o) => o.value);
		expect(offered).toEqual(Object.keys(resources));
		expect(resourceOptions.map((o) => o.value)).toEqual(offered);
		for (const [name, resource] of Object.entries(resources)) {
			const values = (operationProperty(name).options as Array<{ value: string }>).map((o) => o.value).sort();
			expect(values).toEqual(Object.keys(resource.operations).sort());
			for (const operation of Object.values(resource.operations)) expect(typeof (operation as { execute: unknown }).execute).toBe('function');
		}
	});
});

forEachBackend((backend) => {
	const kit = actionNodeKit(node, backend);

	it('an unknown resource is an error naming the field, and writes nothing', async () => {
		await kit.refuses({ resource: 'deal', operation: 'create', name: 'X' }, /^Item 0, field "resource": resource must be one of lead, opportunity, opportunityStatus, stage, task, member; got "deal"$/);
	});

	it.each([
		['lead', 'archive', 'create, delete, get, getAssignments, getMany, getNotes, getTasks, logActivity, update'],
		['stage', 'delete', 'create, getMany, reorder, update'],
		['member', 'delete', 'create, getMany, update'],
	])('%s: an unknown operation ("%s") is an error naming the field and listing that resource\'s operations', async (resource, operation, allowed) => {
		await kit.refuses({ resource, operation }, new RegExp(`^Item 0, field "operation": operation must be one of ${allowed}; got "${operation}"$`));
	});

	it('with continue on fail, an unknown operation is an error item with its field; other items still run', async () => {
		const [out] = await kit.run({ resource: 'stage', operation: (i: number) => (i === 0 ? 'archive' : 'getMany') }, [{}, {}], { continueOnFail: true });
		expect(out[0]).toEqual({
			json: { error: 'Item 0, field "operation": operation must be one of create, getMany, reorder, update; got "archive"', field: 'operation' },
			pairedItem: { item: 0 },
		});
		expect(out.slice(1).map((o) => o.json.name)).toEqual(['New', 'Contacted', 'Qualified', 'Unresponsive', 'Won', 'Lost']);
		expect(out.slice(1).every((o) => (o.pairedItem as { item: number }).item === 1)).toBe(true);
	});

	it('routes each item to its own resource and operation', async () => {
		const [out] = await kit.run(
			{
				resource: (i: number) => ['member', 'stage', 'lead'][i],
				operation: 'create',
				name: (i: number) => ['Router Rita', 'Router Stage', 'Router Lead'][i],
				email: '',
				phone: '',
				active: true,
				kind: 'won',
				position: 0,
				additionalFields: {},
			},
			[{}, {}, {}],
		);
		expect(out.map((o) => [o.pairedItem, o.json.name])).toEqual([
			[{ item: 0 }, 'Router Rita'],
			[{ item: 1 }, 'Router Stage'],
			[{ item: 2 }, 'Router Lead'],
		]);
		expect(out[1].json).toMatchObject({ kind: 'won' });
		expect((await kit.store.read((t) => t.listMembers())).map((m) => m.name)).toContain('Router Rita');
	});
});
