import { toJson } from '../../nodes/shared/output';

describe('item JSON', () => {
	it('turns model times into ISO text', () => {
		expect(toJson({ createdAt: 0, lead: { dueAt: 86_400_000 } })).toEqual({ createdAt: '1970-01-01T00:00:00.000Z', lead: { dueAt: '1970-01-02T00:00:00.000Z' } });
	});

	it('never turns a number in a custom field into a date because of its name', () => {
		const lead = { id: 1, createdAt: 0, custom: { dueAt: 5, at: 12, createdAt: 7, nested: { updatedAt: 3 } } };
		expect(toJson({ lead }).lead).toEqual({ id: 1, createdAt: '1970-01-01T00:00:00.000Z', custom: { dueAt: 5, at: 12, createdAt: 7, nested: { updatedAt: 3 } } });
	});
});
