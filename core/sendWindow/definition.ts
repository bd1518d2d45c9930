/**
 * A send window as data: weekly open hours, an optional timezone, blackout dates. Parsed and
 * checked here once, so the store keeps only valid windows and the arithmetic (schedule.ts)
 * never meets a bad one. Errors name the field and the entry.
 */
import { DateTime } from 'luxon';
import { invalid } from '../errors';
import { timezone } from '../tasks/dueDate';
import { describe } from '../validation';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Open from `from` to `to` (local HH:mm, `to` may be 24:00) on each of `days`. */
export interface OpenHours {
	days: Weekday[];
	from: string;
	to: string;
}

/** Closed from `from` to `to` (local dates, both included); `yearly` repeats it every year. */
export interface Blackout {
	from: string;
	to: string;
	yearly: boolean;
	name?: string;
}

export interface SendWindowDefinition {
	name: string;
	/** IANA zone the hours are read in; null: the caller's (the workflow's, or the lead's). */
	timezone: string | null;
	hours: OpenHours[];
	blackouts: Blackout[];
}

const MAX_NAME = 200;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

export const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function windowName(value: unknown, field = 'name'): string {
	const name = typeof value === 'string' ? value.trim() : '';
	if (!name) throw invalid(field, `${field}: a send window needs a name; got ${describe(value)}`);
	if (name.length > MAX_NAME) throw invalid(field, `${field} is longer than ${MAX_NAME} characters`);
	return name;
}

/** Checks a definition as a user or a stored row gives it; throws `invalid` naming the field. */
export function parseSendWindow(input: { name: unknown; timezone?: unknown; hours: unknown; blackouts?: unknown }): SendWindowDefinition {
	const name = windowName(input.name);
	const zone = input.timezone === undefined || input.timezone === null || input.timezone === '' ? null : timezone(input.timezone, 'timezone');
	return { name, timezone: zone, hours: parseHours(input.hours), blackouts: parseBlackouts(input.blackouts ?? []) };
}

function parseHours(value: unknown): OpenHours[] {
	if (!Array.isArray(value)) throw invalid('hours', `hours must be a list of open hours; got ${describe(value)}`);
	const hours = value.map((entry, k): OpenHours => {
		const where = `hours ${k + 1}`;
		const e = (entry ?? {}) as Record<string, unknown>;
		const days = (Array.isArray(e.days) ? e.days : [e.days]).filter((d) => d !== undefined && d !== '');
		if (days.length === 0) throw invalid('hours', `${where}: choose at least one day`);
		for (const d of days) {
			if (!WEEKDAYS.includes(d as Weekday)) throw invalid('hours', `${where}: day must be one of ${WEEKDAYS.join(', ')}; got ${describe(d)}`);
		}
		const from = time(e.from, `${where}: from`);
		const to = time(e.to, `${where}: to`);
		if (minutesOf(to) <= minutesOf(from)) throw invalid('hours', `${where}: to (${to}) must be after from (${from})`);
		return { days: [...new Set(days as Weekday[])], from, to };
	});
	if (hours.length === 0) throw invalid('hours', 'hours: the window has no open hour; add at least one day with a from and a to time');
	return hours;
}

function time(value: unknown, where: string): string {
	const text = typeof value === 'string' ? value.trim() : '';
	const padded = /^\d:\d\d$/.test(text) ? `0${text}` : text;
	if (!TIME.test(padded)) throw invalid('hours', `${where} must be a time HH:mm (00:00 to 24:00); got ${describe(value)}`);
	return padded;
}

function parseBlackouts(value: unknown): Blackout[] {
	if (!Array.isArray(value)) throw invalid('blackouts', `blackouts must be a list of dates; got ${describe(value)}`);
	return value.map((entry, k): Blackout => {
		const e = (entry ?? {}) as Record<string, unknown>;
		const label = typeof e.name === 'string' && e.name.trim() ? ` (${e.name.trim()})` : '';
		const where = `blackout ${k + 1}${label}`;
		const from = date(e.from, `${where}: start`);
		const to = e.to === undefined || e.to === null || e.to === '' ? from : date(e.to, `${where}: end`);
		if (to < from) throw invalid('blackouts', `${where}: end ${to} precedes start ${from}`);
		const yearly = e.yearly === true || e.yearly === 'true';
		if (yearly && DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days >= 365) {
			throw invalid('blackouts', `${where}: a yearly blackout must be shorter than a year (${from} to ${to})`);
		}
		return { from, to, yearly, ...(label ? { name: String(e.name).trim() } : {}) };
	});
}

/** A local date, YYYY-MM-DD (a longer ISO date-time is cut to its date as written). */
function date(value: unknown, where: string): string {
	const text = value instanceof Date ? value.toISOString() : typeof value === 'string' ? value.trim() : '';
	const day = text.slice(0, 10);
	if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !DateTime.fromISO(day).isValid) {
		throw invalid('blackouts', `${where} must be a date YYYY-MM-DD; got ${describe(value)}`);
	}
	return day;
}
