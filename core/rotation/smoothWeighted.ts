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
