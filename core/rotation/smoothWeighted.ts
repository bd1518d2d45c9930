/**
 * Smooth weighted round robin (nginx's upstream algorithm), pure.
 *
 * Per pick every eligible member's credit grows by its weight; the highest credit wins (ties:
 * lowest member id, so the order is reproducible) and pays back the eligible members' total
 * weight. Over any run of `total weight` picks with a fixed set of members, each member wins
 * exactly `weight` times, interleaved rather than in blocks. Only eligible members take part,
 * so an absent member's credit stays frozen: back, it resumes its place without a backlog.
 */
export interface Contender {
	memberId: number;
	weight: number;
	credit: number;
}

export interface Pick {
	winner: number;
	/** Each contender's credit after the pick, by member id. */
	credits: Map<number, number>;
	totalWeight: number;
}

export function pickNext(contenders: readonly Contender[]): Pick {
	if (contenders.length === 0) throw new Error('pickNext needs at least one contender');
	let totalWeight = 0;
	let best: Contender | undefined;
	let bestCredit = -Infinity;
	const credits = new Map<number, number>();
	for (const c of contenders) {
		const credit = c.credit + c.weight;
		credits.set(c.memberId, credit);
		totalWeight += c.weight;
		if (credit > bestCredit || (credit === bestCredit && c.memberId < best!.memberId)) {
			best = c;
			bestCredit = credit;
		}
	}
	credits.set(best!.memberId, bestCredit - totalWeight);
	return { winner: best!.memberId, credits, totalWeight };
}

/**
 * One full cycle of smooth weighted round robin from zero credits: `total weight` picks (after
 * dividing the weights by their common divisor, which gives the same order) in which each member
 * wins exactly `weight` times. A pool stores its cycle and numbers its turns, so a pick needs only
 * the next turn number, not the previous pick's credits: pickers do not wait for each other.
 */
export function rotationCycle(members: readonly { memberId: number; weight: number }[]): number[] {
	if (members.length === 0) return [];
	const divisor = members.reduce((g, m) => gcd(g, m.weight), 0);
	let contenders: Contender[] = [...members].sort((a, b) => a.memberId - b.memberId).map((m) => ({ memberId: m.memberId, weight: m.weight / divisor, credit: 0 }));
	const total = contenders.reduce((sum, c) => sum + c.weight, 0);
	const cycle: number[] = [];
	for (let i = 0; i < total; i++) {
		const pick = pickNext(contenders);
		cycle.push(pick.winner);
		contenders = contenders.map((c) => ({ ...c, credit: pick.credits.get(c.memberId)! }));
	}
	return cycle;
}

/** The member whose turn `turn` is, in a cycle whose first turn is `cycleStart`. */
export function memberAtTurn(cycle: readonly number[], cycleStart: number, turn: number): number {
	const n = cycle.length;
	return cycle[((((turn - cycleStart) % n) + n) % n)];
}

/**
 * The first turn after `lastTurn` whose member is eligible, and that member; undefined when no
 * member of the cycle is. An absent member's turns pass to the next in the cycle, so on return
 * they take their turns again where the cycle stands: no backlog, no lost place.
 */
export function nextEligibleTurn(cycle: readonly number[], cycleStart: number, lastTurn: number, eligible: (memberId: number) => boolean) {
	for (let turn = lastTurn + 1; turn <= lastTurn + cycle.length; turn++) {
		const memberId = memberAtTurn(cycle, cycleStart, turn);
		if (eligible(memberId)) return { turn, memberId };
	}
	return undefined;
}

function gcd(a: number, b: number): number {
	return b === 0 ? a : gcd(b, a % b);
}
