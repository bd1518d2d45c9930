import { computeDueAt, isLeadStoreError } from '../../core';

const iso = (ms: number, zone: string) => new Date(ms).toLocaleString('sv-SE', { timeZone: zone, hour12: false });
const HOUR = 3_600_000;

const refuses = (fn: () => unknown) => {
	let error: unknown;
	try {
		fn();
	} catch (e) {
		error = e;
	}
	expect(isLeadStoreError(error)).toBe(true);
	expect((error as { field: string }).field).toBe('due');
	expect((error as { code: string }).code).toBe('invalid');
	return (error as Error).message;
};

describe('due dates', () => {
	describe('relative days are calendar days in the timezone', () => {
		it.each([
			// zone, the day before the change at 09:00 local, hours until 09:00 the next day
			['America/New_York', '2026-03-07T09:00:00-05:00', 23, '2026-03-08 09:00:00'],
			['America/New_York', '2026-10-31T09:00:00-04:00', 25, '2026-11-01 09:00:00'],
			['Europe/Berlin', '2026-03-28T09:00:00+01:00', 23, '2026-03-29 09:00:00'],
			['Europe/Berlin', '2026-10-24T09:00:00+02:00', 25, '2026-10-25 09:00:00'],
		])('%s: 1 day after %s is %i hours later, same wall clock', (zone, start, hours, local) => {
			const now = Date.parse(start);
			const due = computeDueAt({ amount: 1, unit: 'days' }, now, zone);
			expect((due - now) / HOUR).toBe(hours);
			expect(iso(due, zone)).toBe(local);
		});

		it('counts several days across the change the same way', () => {
			const now = Date.parse('2026-03-27T18:30:00+01:00');
			const due = computeDueAt({ amount: 3, unit: 'days', timezone: 'Europe/Berlin' }, now, 'UTC');
			expect(iso(due, 'Europe/Berlin')).toBe('2026-03-30 18:30:00');
			expect((due - now) / HOUR).toBe(71);
		});

		it('a wall time that the change skips moves forward by the gap', () => {
			const now = Date.parse('2026-03-07T02:30:00-05:00');
			const due = computeDueAt({ amount: 1, unit: 'days' }, now, 'America/New_York');
			expect(new Date(due).toISOString()).toBe('2026-03-08T07:30:00.000Z'); // 03:30 EDT
		});

		it('uses UTC when no timezone is given', () => {
			const now = Date.parse('2026-03-28T09:00:00Z');
			expect(computeDueAt({ amount: 1, unit: 'days' }, now) - now).toBe(24 * HOUR);
		});
	});

	describe('minutes and hours are exact durations', () => {
		it.each([
			['America/New_York', '2026-03-08T01:30:00-05:00'],
			['Europe/Berlin', '2026-03-29T01:30:00+01:00'],
			['Europe/Berlin', '2026-10-25T01:30:00+02:00'],
		])('%s across the change at %s', (zone, start) => {
			const now = Date.parse(start);
			expect(computeDueAt({ amount: 2, unit: 'hours' }, now, zone) - now).toBe(2 * HOUR);
			expect(computeDueAt({ amount: 90, unit: 'minutes' }, now, zone) - now).toBe(90 * 60_000);
			expect(computeDueAt({ amount: '3', unit: 'hours' }, now, zone) - now).toBe(3 * HOUR);
		});

		it('immediately is now', () => {
			expect(computeDueAt({ immediately: true }, 1234, 'Europe/Berlin')).toBe(1234);
		});
	});

	describe('absolute dates and times', () => {
		it('reads a time without an offset in the timezone given', () => {
			expect(new Date(computeDueAt({ at: '2026-03-08T09:00:00' }, 0, 'America/New_York')).toISOString()).toBe('2026-03-08T13:00:00.000Z');
			expect(new Date(computeDueAt({ at: '2026-03-07T09:00:00' }, 0, 'America/New_York')).toISOString()).toBe('2026-03-07T14:00:00.000Z');
			expect(new Date(computeDueAt({ at: '2026-03-29 09:00' }, 0, 'Europe/Berlin')).toISOString()).toBe('2026-03-29T07:00:00.000Z');
			expect(new Date(computeDueAt({ at: '2026-03-28T09:00' }, 0, 'Europe/Berlin')).toISOString()).toBe('2026-03-28T08:00:00.000Z');
			expect(new Date(computeDueAt({ at: '2026-10-25T09:00', timezone: 'Europe/Berlin' }, 0, 'UTC')).toISOString()).toBe('2026-10-25T08:00:00.000Z');
		});

		it('a date alone means midnight there', () => {
			expect(new Date(computeDueAt({ at: '2026-03-29' }, 0, 'Europe/Berlin')).toISOString()).toBe('2026-03-28T23:00:00.000Z');
		});

		it('keeps an explicit offset or Z whatever the timezone', () => {
			expect(computeDueAt({ at: '2026-03-08T09:00:00Z' }, 0, 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 9));
			expect(computeDueAt({ at: '2026-03-08T09:00:00+02:00' }, 0, 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 7));
		});

		it('takes epoch ms, Date and luxon DateTime as they are', () => {
			const ms = Date.UTC(2026, 9, 25, 1, 30);
			expect(computeDueAt({ at: ms }, 0, 'Europe/Berlin')).toBe(ms);
			expect(computeDueAt({ at: new Date(ms) }, 0, 'Europe/Berlin')).toBe(ms);
			expect(computeDueAt({ at: { toMillis: () => ms } }, 0, 'Europe/Berlin')).toBe(ms);
		});

		it('a local time in the spring-forward gap moves forward by the gap', () => {
			expect(new Date(computeDueAt({ at: '2026-03-08T02:30' }, 0, 'America/New_York')).toISOString()).toBe('2026-03-08T07:30:00.000Z');
			expect(new Date(computeDueAt({ at: '2026-03-29T02:30' }, 0, 'Europe/Berlin')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
		});

		it('a local time that happens twice means the first one', () => {
			expect(new Date(computeDueAt({ at: '2026-11-01T01:30' }, 0, 'America/New_York')).toISOString()).toBe('2026-11-01T05:30:00.000Z'); // EDT
			expect(new Date(computeDueAt({ at: '2026-10-25T02:30' }, 0, 'Europe/Berlin')).toISOString()).toBe('2026-10-25T00:30:00.000Z'); // CEST
		});
	});

	describe('refuses, naming field due', () => {
		it.each([
			['an impossible date', { at: '2026-02-30T10:00' }],
			['text that is no date', { at: 'next tuesday' }],
			['an empty date', { at: '' }],
			['NaN', { at: NaN }],
			['an invalid Date', { at: new Date('x') }],
			['a negative amount', { amount: -1, unit: 'days' }],
			['a fractional amount', { amount: 1.5, unit: 'hours' }],
			['an unknown unit', { amount: 1, unit: 'weeks' }],
			['far too many days', { amount: 100_000, unit: 'days' }],
			['nothing usable', {}],
		])('%s', (_, input) => {
			refuses(() => computeDueAt(input as never, 0, 'Europe/Berlin'));
		});

		it('an unknown timezone, given or default', () => {
			expect(refuses(() => computeDueAt({ at: '2026-03-08T09:00' }, 0, 'Mars/Olympus'))).toMatch(/Mars\/Olympus.*timezone/);
			refuses(() => computeDueAt({ amount: 1, unit: 'days', timezone: 'Nowhere' }, 0, 'UTC'));
			refuses(() => computeDueAt(null as never, 0));
		});
	});
});
