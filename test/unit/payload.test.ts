import { toDelivered } from '../../core/delivery/payload';

const leadColumns = {
	id: 7, name: 'Ana', email: null, phone: null, stage_id: 1, stage_name: 'New', stage_kind: 'open', stage_position: 1,
	source: null, type: null, priority: null, gender: null, owner_id: null, custom: '{}',
	created_at: 1, updated_at: 1, last_activity_at: 1, last_activity_kind: 'created', episode: 1,
};
const row = (type: string, data: object = {}) => ({
	...leadColumns, ev_id: 42, ev_type: type, ev_occurred_at: 1000, ev_actor: '{"kind":"person","name":"Bo"}', ev_causation_depth: 0, ev_data: JSON.stringify(data),
});

describe('event payloads', () => {
	it('maps a lead.created event with its lead', () => {
		const delivered = toDelivered(row('lead.created'), new Map());
		expect(delivered).toMatchObject({ type: 'lead.created', eventId: 42, actor: { kind: 'person', name: 'Bo' }, lead: { id: 7, name: 'Ana' } });
		expect(delivered).not.toHaveProperty('previousStage');
	});

	it('maps a stage change with the previous and new stage', () => {
		const delivered = toDelivered(row('lead.stage_changed', { fromStageId: 1, fromStage: 'New', toStageId: 3, toStage: 'Qualified' }), new Map([[3, 'open' as const]]));
		expect(delivered).toMatchObject({ previousStage: { id: 1, name: 'New', kind: null }, newStage: { id: 3, name: 'Qualified', kind: 'open' }, changedAt: 1000 });
	});

	it('refuses an event type no lead trigger delivers instead of calling it lead.created', () => {
		expect(() => toDelivered(row('note.created'), new Map())).toThrow(/event 42 has type "note.created", which no lead trigger delivers/);
		expect(() => toDelivered(row('opportunity.won'), new Map())).toThrow(/no lead trigger delivers/);
	});
});
