import { memberAtTurn, nextEligibleTurn, pickNext, rotationCycle, type Contender } from '../../core';

/** Runs n picks from the given start, as the store does, returning the winners in order. */
function run(start: Contender[], n: number): number[] {
	let contenders = start.map((c) => ({ ...c }));
	const winners: number[] = [];
	for (let i = 0; i < n; i++) {
		const pick = pickNext(contenders);
		winners.push(pick.winner);
		contenders = contenders.map((c) => ({ ...c, credit: pick.credits.get(c.memberId)! }));
	}
	return winners;
}

describe('smooth weighted round robin', () => {
	it("interleaves as nginx's does (5, 1, 1 → a a b a c a a); ties go to the lowest id", () => {
		const order = run([{ memberId: 1, weight: 5, credit: 0 }, { memberId: 2, weight: 1, credit: 0 }, { memberId: 3, weight: 1, credit: 0 }], 7);
		expect(order).toEqual([1, 1, 2, 1, 3, 1, 1]);
	});

	it('honours weights exactly in every full cycle', () => {
		const weights = [4, 3, 2, 1];
		const start = weights.map((weight, i) => ({ memberId: i + 1, weight, credit: 0 }));
		const order = run(start, 100);
		for (let cycle = 0; cycle < 10; cycle++) {
			const slice = order.slice(cycle * 10, cycle * 10 + 10);
			expect(weights.map((_, i) => slice.filter((w) => w === i + 1).length)).toEqual(weights);
		}
	});

	it('keeps the credits summing to what they summed to', () => {
		const pick = pickNext([{ memberId: 7, weight: 2, credit: -3 }, { memberId: 9, weight: 1, credit: 5 }]);
		expect([...pick.credits.values()].reduce((a, b) => a + b)).toBe(2);
		expect(pick.winner).toBe(9);
	});

	it('stores one cycle: the same order as picking from zero credits, weights reduced by their common divisor', () => {
		const members = [{ memberId: 3, weight: 2 }, { memberId: 1, weight: 10 }, { memberId: 2, weight: 2 }];
		const cycle = rotationCycle(members);
		expect(cycle).toEqual(run(members.map((m) => ({ ...m, weight: m.weight / 2, credit: 0 })), 7));
		expect(cycle).toEqual([1, 1, 2, 1, 3, 1, 1]);
		expect(rotationCycle([])).toEqual([]);
	});

	it('numbers turns from the cycle start, before it too, and passes an ineligible member\'s turn on', () => {
		const cycle = [1, 2, 1, 3];
		expect([10, 11, 12, 13, 14].map((t) => memberAtTurn(cycle, 10, t))).toEqual([1, 2, 1, 3, 1]);
		expect(memberAtTurn(cycle, 10, 9)).toBe(3);
		expect(nextEligibleTurn(cycle, 10, 10, (id) => id !== 2)).toEqual({ turn: 12, memberId: 1 });
		expect(nextEligibleTurn(cycle, 10, 12, (id) => id === 2)).toEqual({ turn: 15, memberId: 2 });
		expect(nextEligibleTurn(cycle, 10, 12, () => false)).toBeUndefined();
	});
});
