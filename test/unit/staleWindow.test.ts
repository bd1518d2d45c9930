import { DAY_MS, daysInactive, staleDays, staleWindow, startFromActivationMode } from '../../core';

describe('days inactive', () => {
	it('counts whole 24-hour periods', () => {
		expect(daysInactive(0, DAY_MS - 1)).toBe(0);
		expect(daysInactive(0, DAY_MS)).toBe(1);
		expect(daysInactive(0, 3 * DAY_MS - 1)).toBe(2);
		expect(daysInactive(5, 3 * DAY_MS + 5)).toBe(3);
	});
});

describe('stale window', () => {
	const now = 100 * DAY_MS;
	const inWindow = (w: { notAfter: number; after: number | null }, last: number) => last <= w.notAfter && (w.after === null || last > w.after);

	it('≥ N: from exactly N days, no upper end', () => {
		const w = staleWindow({ minDays: 3, maxDays: null, onlyBecomingStaleAfterActivation: false }, now);
		expect(inWindow(w, now - 3 * DAY_MS)).toBe(true);
		expect(inWindow(w, now - 3 * DAY_MS + 1)).toBe(false);
		expect(inWindow(w, 0)).toBe(true);
	});

	it('between N and M: [N days, M+1 days)', () => {
		const w = staleWindow({ minDays: 2, maxDays: 4, onlyBecomingStaleAfterActivation: false }, now);
		expect(inWindow(w, now - 2 * DAY_MS)).toBe(true);
		expect(inWindow(w, now - 5 * DAY_MS + 1)).toBe(true);
		expect(inWindow(w, now - 5 * DAY_MS)).toBe(false);
		for (let last = now - 6 * DAY_MS; last <= now; last += DAY_MS / 7) {
			const days = daysInactive(last, now);
			expect(inWindow(w, last)).toBe(days >= 2 && days <= 4);
		}
	});

	it('only after activation: the crossing must come after it', () => {
		const activatedAt = now - DAY_MS;
		const w = staleWindow({ minDays: 3, maxDays: null, onlyBecomingStaleAfterActivation: true }, now, activatedAt);
		expect(inWindow(w, activatedAt - 3 * DAY_MS)).toBe(false); // crossed exactly at activation: already stale
		expect(inWindow(w, activatedAt - 3 * DAY_MS + 1)).toBe(true);
		expect(inWindow(w, now - 3 * DAY_MS + 1)).toBe(false); // not stale yet
	});
});

describe('stale day settings', () => {
	it('accepts whole days, equals as a one-day range, numbers as text', () => {
		expect(staleDays({ mode: 'gte', minDays: 3 })).toEqual({ mode: 'gte', minDays: 3, maxDays: null });
		expect(staleDays({ mode: 'equals', minDays: '2' })).toEqual({ mode: 'equals', minDays: 2, maxDays: 2 });
		expect(staleDays({ mode: 'Between', minDays: 2, maxDays: 2 })).toEqual({ mode: 'between', minDays: 2, maxDays: 2 });
	});

	it.each([
		[{ mode: 'gte', minDays: 0 }, 'minDays'],
		[{ mode: 'gte', minDays: -1 }, 'minDays'],
		[{ mode: 'gte', minDays: 2.5 }, 'minDays'],
		[{ mode: 'gte', minDays: '' }, 'minDays'],
		[{ mode: 'gte', minDays: 40_000 }, 'minDays'],
		[{ mode: 'between', minDays: 3, maxDays: 2 }, 'maxDays'],
		[{ mode: 'between', minDays: 3, maxDays: null }, 'maxDays'],
		[{ mode: 'older', minDays: 3 }, 'mode'],
	])('refuses %j naming %s', (input, field) => {
		expect(() => staleDays(input)).toThrow(expect.objectContaining({ code: 'invalid', field }));
	});
});

describe('activation mode', () => {
	it('publish starts from now; start-up and saves resume; manual has no subscription', () => {
		expect(startFromActivationMode('activate')).toBe('now');
		expect(startFromActivationMode('init')).toBe('resume');
		expect(startFromActivationMode('update')).toBe('resume');
		expect(startFromActivationMode('leadershipChange')).toBe('resume');
		expect(startFromActivationMode('manual')).toBeNull();
	});
});
