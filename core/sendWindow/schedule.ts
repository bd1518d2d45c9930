/**
 * When a send window lets an item through. Pure: the caller hands in "now" and the zone.
 *
 * Days are walked as calendar days in the zone and each open hour is placed on its day as a
 * wall-clock time, so 09:00 stays 09:00 across a daylight-saving change. A wall-clock time the
 * clock skips (spring forward) moves forward by the gap; one that occurs twice (fall back)
 * means the first, as task due dates do.
 */
import { DateTime } from 'luxon';
import { conflict } from '../errors';
import { fromLocal } from '../tasks/dueDate';
import { minutesOf, WEEKDAYS, type Blackout, type SendWindowDefinition } from './definition';

export interface WindowCheck {
	/** True: inside the window now. */
	open: boolean;
	/** When the item may go: now when open, else when the window next opens. */
	releaseAt: number;
	/** When the open stretch containing releaseAt ends (the next close). */
	closesAt: number;
	/** In words, for the output. */
	reason: string;
}

/** Look this far ahead for an opening: a year of blackouts plus a week. */
const HORIZON_DAYS = 366 + 7;

export function checkWindow(window: SendWindowDefinition, now: number, zone: string): WindowCheck {
	const today = DateTime.fromMillis(now, { zone }).startOf('day');
	for (let d = 0; d <= HORIZON_DAYS; d++) {
		const day = today.plus({ days: d });
		const isoDay = day.toISODate()!;
		const blackout = window.blackouts.find((b) => blacksOut(b, isoDay));
		if (blackout) continue;
		const weekday = WEEKDAYS[day.weekday - 1];
		const spans = window.hours
			.filter((h) => h.days.includes(weekday))
			.map((h) => ({ start: at(day, h.from), end: at(day, h.to) }))
			.sort((a, b) => a.start - b.start);
		for (const span of spans) {
			if (span.end <= now) continue;
			if (span.start <= now) {
				return { open: true, releaseAt: now, closesAt: span.end, reason: `inside the send window "${window.name}" (open until ${local(span.end, zone)} ${zone})` };
			}
			return {
				open: false,
				releaseAt: span.start,
				closesAt: span.end,
				reason: `outside the send window "${window.name}": held until it opens at ${local(span.start, zone)} ${zone}`,
			};
		}
	}
	throw conflict('hours', `send window "${window.name}" does not open within a year of ${local(now, zone)} ${zone}: its blackouts cover every open hour`);
}

/** Epoch ms of a wall-clock HH:mm (24:00 = the next midnight) on `day` in its zone. */
function at(day: DateTime, hhmm: string): number {
	const minutes = minutesOf(hhmm);
	if (minutes === 24 * 60) return day.plus({ days: 1 }).startOf('day').toMillis();
	return fromLocal({ year: day.year, month: day.month, day: day.day, hour: Math.floor(minutes / 60), minute: minutes % 60 }, day.zoneName!);
}

function blacksOut(b: Blackout, isoDay: string): boolean {
	if (!b.yearly) return b.from <= isoDay && isoDay <= b.to;
	const md = isoDay.slice(5);
	const from = b.from.slice(5);
	const to = b.to.slice(5);
	// A yearly range that crosses the year end (Dec 24 – Jan 2) wraps.
	return b.from.slice(0, 4) === b.to.slice(0, 4) ? from <= md && md <= to : md >= from || md <= to;
}

const local = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm');
