import { checkWindow, isLeadStoreError, parseSendWindow, type SendWindowDefinition } from '../../core';

const HOUR = 3_600_000;
const local = (ms: number, zone: string) => new Date(ms).toLocaleString('sv-SE', { timeZone: zone, hour12: false }).slice(0, 16);

const weekdays = (from = '09:00', to = '17:00') => [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from, to }];
const windowOf = (input: Partial<Parameters<typeof parseSendWindow>[0]> = {}): SendWindowDefinition =>
	parseSendWindow({ name: 'Office hours', hours: weekdays(), ...input });

function refusal(fn: () => unknown): { field: string; message: string } {
	try {
		fn();
	} catch (error) {
		expect(isLeadStoreError(error)).toBe(true);
		return { field: (error as { field: string }).field, message: (error as Error).message };
	}
	throw new Error('expected a refusal');
}

describe('send window arithmetic', () => {
	it('lets an item through at once inside the hours, saying until when', () => {
		const now = Date.parse('2026-06-03T10:30:00+02:00'); // a Wednesday in Berlin
		const check = checkWindow(windowOf(), now, 'Europe/Berlin');
		expect(check).toMatchObject({ open: true, releaseAt: now });
		expect(local(check.closesAt, 'Europe/Berlin')).toBe('2026-06-03 17:00');
		expect(check.reason).toMatch(/inside the send window "Office hours"/);
	});

	it('holds an item from Friday evening until Monday 09:00: a window opening the next week', () => {
		const now = Date.parse('2026-06-05T18:00:00+02:00'); // Friday
		const check = checkWindow(windowOf(), now, 'Europe/Berlin');
		expect(check.open).toBe(false);
		expect(local(check.releaseAt, 'Europe/Berlin')).toBe('2026-06-08 09:00');
		expect(check.reason).toMatch(/held until it opens at 2026-06-08 09:00 Europe\/Berlin/);
	});

	it('opens next week when the only open day of the week has just closed', () => {
		const window = windowOf({ hours: [{ days: ['tue'], from: '10:00', to: '11:00' }] });
		const now = Date.parse('2026-06-02T11:00:00Z'); // Tuesday 11:00 UTC: just closed
		expect(local(checkWindow(window, now, 'UTC').releaseAt, 'UTC')).toBe('2026-06-09 10:00');
	});

	describe('daylight saving', () => {
		it.each([
			// zone, Saturday evening before the change, expected local opening, hours until then
			['Europe/Berlin', '2026-03-28T20:00:00+01:00', '2026-03-30 09:00', 36], // spring forward (23-hour Sunday)
			['Europe/Berlin', '2026-10-24T20:00:00+02:00', '2026-10-26 09:00', 38], // fall back (25-hour Sunday)
			['America/New_York', '2026-03-07T20:00:00-05:00', '2026-03-09 09:00', 36],
			['America/New_York', '2026-10-31T20:00:00-04:00', '2026-11-02 09:00', 38],
		])('%s from %s opens at %s local, %i hours later', (zone, start, opening, hours) => {
			const now = Date.parse(start);
			const check = checkWindow(windowOf(), now, zone);
			expect(local(check.releaseAt, zone)).toBe(opening);
			expect((check.releaseAt - now) / HOUR).toBe(hours);
		});

		it('an opening in the hour the clock skips moves forward by the gap; one that occurs twice means the first', () => {
			const night = windowOf({ hours: [{ days: ['sun'], from: '02:30', to: '04:00' }] });
			const spring = checkWindow(night, Date.parse('2026-03-29T00:00:00+01:00'), 'Europe/Berlin');
			expect(new Date(spring.releaseAt).toISOString()).toBe('2026-03-29T01:30:00.000Z'); // 03:30 CEST
			const autumn = checkWindow(night, Date.parse('2026-10-25T00:00:00+02:00'), 'Europe/Berlin');
			expect(new Date(autumn.releaseAt).toISOString()).toBe('2026-10-25T00:30:00.000Z'); // the first 02:30, CEST
		});
	});

	describe('blackouts', () => {
		it('skips a blackout range across the year end', () => {
			const window = windowOf({ blackouts: [{ name: 'Holidays', from: '2026-12-24', to: '2027-01-03' }] });
			const now = Date.parse('2026-12-23T18:00:00+01:00'); // Wednesday after hours
			expect(local(checkWindow(window, now, 'Europe/Berlin').releaseAt, 'Europe/Berlin')).toBe('2027-01-04 09:00');
		});

		it('a yearly range across the year end closes every year, also inside the hours', () => {
			const window = windowOf({ blackouts: [{ from: '2020-12-31', to: '2021-01-01', yearly: true }] });
			const now = Date.parse('2027-12-31T10:00:00+01:00'); // a Friday, 10:00, New Year's Eve
			const check = checkWindow(window, now, 'Europe/Berlin');
			expect(check.open).toBe(false);
			expect(local(check.releaseAt, 'Europe/Berlin')).toBe('2028-01-03 09:00'); // Jan 1 is Saturday
		});

		it('a single yearly day does not close other years\' other days', () => {
			const window = windowOf({ blackouts: [{ from: '2024-05-01', yearly: true }] });
			const now = Date.parse('2026-05-01T08:00:00+02:00'); // Friday, May 1
			expect(local(checkWindow(window, now, 'Europe/Berlin').releaseAt, 'Europe/Berlin')).toBe('2026-05-04 09:00');
			expect(checkWindow(window, Date.parse('2026-05-04T10:00:00+02:00'), 'Europe/Berlin').open).toBe(true);
		});

		it('says so when the blackouts cover every open hour for a year', () => {
			const window = windowOf({ hours: [{ days: ['mon'], from: '09:00', to: '10:00' }], blackouts: [{ from: '2026-01-01', to: '2027-12-31' }] });
			expect(refusal(() => checkWindow(window, Date.parse('2026-01-01T00:00:00Z'), 'UTC')).message).toMatch(/does not open within a year/);
		});
	});

	describe('bad definitions name the field and the entry', () => {
		it.each([
			[{ hours: [] }, 'hours', /no open hour/],
			[{ hours: [{ days: ['mon'], from: '17:00', to: '09:00' }] }, 'hours', /hours 1: to \(09:00\) must be after from \(17:00\)/],
			[{ hours: [{ days: ['funday'], from: '09:00', to: '10:00' }] }, 'hours', /hours 1: day must be one of mon/],
			[{ hours: [{ days: ['mon'], from: '9', to: '10:00' }] }, 'hours', /hours 1: from must be a time HH:mm/],
			[{ timezone: 'Mars/Olympus' }, 'timezone', /"Mars\/Olympus" is not a known timezone/],
			[{ blackouts: [{ name: 'Summer', from: '2026-08-10', to: '2026-08-01' }] }, 'blackouts', /blackout 1 \(Summer\): end 2026-08-01 precedes start 2026-08-10/],
			[{ blackouts: [{ from: '2026-02-30' }] }, 'blackouts', /blackout 1: start must be a date YYYY-MM-DD/],
			[{ name: '  ' }, 'name', /needs a name/],
		])('%j → %s', (input, field, message) => {
			const error = refusal(() => windowOf(input as never));
			expect(error.field).toBe(field);
			expect(error.message).toMatch(message);
		});
	});
});
