/**
 * When a task falls due. Pure: the caller hands in "now" and the timezone (the workflow's).
 *
 * Days are calendar days in that timezone, so "1 day after" keeps the wall-clock time across a
 * daylight-saving change (23 or 25 hours later); minutes and hours are exact durations. A local
 * date and time without an offset is read in the timezone; one that falls in a spring-forward
 * gap moves forward by the gap, and one that occurs twice in a fall-back hour means the first
 * occurrence (Temporal's "compatible" rule, which calendars follow too).
 */
import { DateTime } from 'luxon';
import { invalid } from '../errors';
import { describe } from '../validation';

export const DUE_UNITS = ['minutes', 'hours', 'days'] as const;
export type DueUnit = (typeof DUE_UNITS)[number];

/** A date and time (ISO text, epoch ms, Date, or a luxon DateTime from an n8n expression). */
export interface DueAt {
	at: unknown;
	timezone?: string;
}
export interface DueImmediately {
	immediately: true;
	timezone?: string;
}
export interface DueAfter {
	amount: unknown;
	unit: DueUnit | string;
	timezone?: string;
}
export type DueInput = DueAt | DueImmediately | DueAfter;

const FIELD = 'due';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// Far enough for any follow-up; keeps luxon inside its range and typos (365000 days) visible.
const MAX_DAYS = 3_660;

/** Epoch ms the task falls due; throws `invalid` naming field `due` for anything unusable. */
export function computeDueAt(input: DueInput, now: number, defaultTimezone = 'UTC'): number {
	if (typeof input !== 'object' || input === null) {
		throw invalid(FIELD, `${FIELD} must be a date and time, "immediately", or an amount and unit; got ${describe(input)}`);
	}
	const zone = timezone(input.timezone ?? defaultTimezone);
	if ('at' in input) return absolute(input.at, zone);
	if ('immediately' in input && input.immediately) return now;
	if ('amount' in input) return relative(input.amount, input.unit, now, zone);
	throw invalid(FIELD, `${FIELD} must give "at", "immediately" or "amount" and "unit"`);
}

export function timezone(value: unknown, field = FIELD): string {
	const zone = typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
	if (zone === null || !DateTime.fromMillis(0, { zone }).isValid) {
		throw invalid(field, `${field}: ${describe(value)} is not a known timezone (use an IANA name such as Europe/Berlin)`);
	}
	return zone;
}

function absolute(at: unknown, zone: string): number {
	if (typeof at === 'number') return finite(at, at);
	if (at instanceof Date) return finite(at.getTime(), at);
	if (typeof at === 'object' && at !== null && typeof (at as { toMillis?: unknown }).toMillis === 'function') {
		return finite((at as { toMillis(): number }).toMillis(), at);
	}
	if (typeof at !== 'string' || at.trim() === '') {
		throw invalid(FIELD, `${FIELD}: a date and time is required; got ${describe(at)}`);
	}
	const text = at.trim();
	// Read as if written in UTC to get the wall clock as written; reading it again one hour east
	// tells whether the text carries its own offset (same instant both ways) or is local time.
	const asUtc = parseText(text, 'UTC');
	if (!asUtc.isValid) {
		throw invalid(FIELD, `${FIELD}: ${describe(at)} is not a valid date and time (${asUtc.invalidExplanation ?? asUtc.invalidReason})`);
	}
	if (asUtc.toMillis() === parseText(text, 'UTC+1').toMillis()) return asUtc.toMillis();
	return fromLocal(asUtc.toObject(), zone);
}

function parseText(text: string, zone: string): DateTime {
	let parsed = DateTime.fromISO(text, { zone });
	if (!parsed.isValid) parsed = DateTime.fromSQL(text, { zone });
	if (!parsed.isValid) parsed = DateTime.fromRFC2822(text, { zone });
	return parsed;
}

function relative(amount: unknown, unit: unknown, now: number, zone: string): number {
	const n = typeof amount === 'string' && amount.trim() !== '' ? Number(amount) : amount;
	if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
		throw invalid(FIELD, `${FIELD}: the amount must be a whole number from 0; got ${describe(amount)}`);
	}
	switch (unit) {
		case 'minutes':
			return now + n * MINUTE;
		case 'hours':
			return now + n * HOUR;
		case 'days': {
			if (n > MAX_DAYS) throw invalid(FIELD, `${FIELD}: ${n} days is more than the ${MAX_DAYS} allowed`);
			// Calendar arithmetic on the wall clock (in UTC, which has no gaps), then back to an instant.
			const wall = DateTime.fromMillis(now, { zone }).toObject();
			return fromLocal(DateTime.fromObject(wall, { zone: 'UTC' }).plus({ days: n }).toObject(), zone);
		}
		default:
			throw invalid(FIELD, `${FIELD}: the unit must be one of ${DUE_UNITS.join(', ')}; got ${describe(unit)}`);
	}
}

/**
 * The instant a wall-clock time names in `zone`. Luxon resolves a doubled fall-back time to
 * the second occurrence; a due date means the first, so both candidate offsets are tried.
 */
export function fromLocal(wall: Wall, zone: string): number {
	const naive = Date.UTC(wall.year!, wall.month! - 1, wall.day!, wall.hour ?? 0, wall.minute ?? 0, wall.second ?? 0, wall.millisecond ?? 0);
	const day = 24 * HOUR;
	const offsets = new Set([-day, day].map((d) => DateTime.fromMillis(naive + d, { zone }).offset));
	const matches = [...offsets]
		.map((offset) => naive - offset * MINUTE)
		.filter((ms) => sameWall(DateTime.fromMillis(ms, { zone }), wall))
		.sort((a, b) => a - b);
	if (matches.length > 0) return matches[0];
	// In a spring-forward gap: move forward by the gap, as luxon does.
	return DateTime.fromObject(wall, { zone }).toMillis();
}

type Wall = ReturnType<DateTime['toObject']>;

const sameWall = (dt: DateTime, wall: Wall) =>
	dt.year === wall.year && dt.month === wall.month && dt.day === wall.day && dt.hour === (wall.hour ?? 0) && dt.minute === (wall.minute ?? 0);

function finite(ms: number, original: unknown): number {
	if (!Number.isFinite(ms)) throw invalid(FIELD, `${FIELD}: ${describe(original)} is not a valid date`);
	return Math.trunc(ms);
}
