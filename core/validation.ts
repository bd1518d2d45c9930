/** Checks and normalises what callers hand the store, before any SQL runs. */
import { invalid } from './errors';
import {
	DIRECTIONS,
	LOGGABLE_ACTIVITY_KINDS,
	PRIORITIES,
	STAGE_KINDS,
	TASK_TYPES,
	type CustomFields,
} from './model';

export const LIMITS = {
	name: 200,
	email: 254,
	phone: 50,
	source: 200,
	type: 100,
	gender: 50,
	stageName: 100,
	noteContent: 20_000,
	taskDescription: 5_000,
	activityDetails: 20_000,
	customJson: 64 * 1024,
	customKey: 100,
	poolName: 100,
	/** A pool member's weight: turns per cycle. */
	poolWeight: 100,
} as const;

// Deliberately simple: one @, no spaces, a dot in the domain. Mail servers decide the rest.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Trims; empty becomes null; too long is an error naming the field. */
export function optionalText(field: string, value: unknown, max: number): string | null {
	if (value === undefined || value === null) return null;
	if (typeof value !== 'string' && typeof value !== 'number') {
		throw invalid(field, `${field} must be text, got ${describe(value)}`);
	}
	const text = String(value).trim();
	if (text === '') return null;
	if (text.length > max) {
		throw invalid(field, `${field} is ${text.length} characters long; the limit is ${max}`);
	}
	return text;
}

export function requiredText(field: string, value: unknown, max: number): string {
	const text = optionalText(field, value, max);
	if (text === null) throw invalid(field, `${field} is required`);
	return text;
}

export function optionalEmail(field: string, value: unknown): string | null {
	const text = optionalText(field, value, LIMITS.email);
	if (text !== null && !EMAIL.test(text)) {
		throw invalid(field, `${field} "${text}" is not a valid email address`);
	}
	return text === null ? null : text.toLowerCase();
}

export function oneOf<T extends string>(
	field: string,
	value: unknown,
	allowed: readonly T[],
): T {
	const text = typeof value === 'string' ? value.trim().toLowerCase().replace(/[\s-]+/g, '_') : value;
	if (typeof text !== 'string' || !(allowed as readonly string[]).includes(text)) {
		throw invalid(field, `${field} must be one of ${allowed.join(', ')}; got ${describe(value)}`);
	}
	return text as T;
}

export function optionalOneOf<T extends string>(
	field: string,
	value: unknown,
	allowed: readonly T[],
): T | null {
	if (value === undefined || value === null || value === '') return null;
	return oneOf(field, value, allowed);
}

export const priority = (field: string, value: unknown) => optionalOneOf(field, value, PRIORITIES);
export const stageKind = (field: string, value: unknown) => oneOf(field, value, STAGE_KINDS);
export const taskType = (field: string, value: unknown) => oneOf(field, value, TASK_TYPES);
export const activityKind = (field: string, value: unknown) =>
	oneOf(field, value, LOGGABLE_ACTIVITY_KINDS);
export const direction = (field: string, value: unknown) => optionalOneOf(field, value, DIRECTIONS);

export function positiveInteger(field: string, value: unknown): number {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) {
		throw invalid(field, `${field} must be a whole number above 0; got ${describe(value)}`);
	}
	return n;
}

/** A timestamp from ms, an ISO string or a Date; null/undefined stay null. */
export function optionalTime(field: string, value: unknown): number | null {
	if (value === undefined || value === null || value === '') return null;
	let ms: number;
	if (typeof value === 'number') ms = value;
	else if (value instanceof Date) ms = value.getTime();
	else if (typeof value === 'string') ms = Date.parse(value);
	else if (typeof value === 'object' && typeof (value as { toMillis?: unknown }).toMillis === 'function') {
		ms = (value as { toMillis(): number }).toMillis(); // a luxon DateTime from an expression
	} else ms = NaN;
	if (!Number.isFinite(ms)) throw invalid(field, `${field} is not a valid date: ${describe(value)}`);
	return Math.trunc(ms);
}

export function customFields(field: string, value: unknown): CustomFields {
	if (value === undefined || value === null || value === '') return {};
	let parsed = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value);
		} catch {
			throw invalid(field, `${field} must be a JSON object; the text given does not parse`);
		}
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw invalid(field, `${field} must be an object of named values`);
	}
	for (const key of Object.keys(parsed)) customFieldKey(`${field}.${key}`, key);
	if (JSON.stringify(parsed).length > LIMITS.customJson) {
		throw invalid(field, `${field} is larger than ${LIMITS.customJson} bytes of JSON`);
	}
	return parsed as CustomFields;
}

export function customFieldKey(field: string, key: string): string {
	if (key.trim() === '' || key.length > LIMITS.customKey || /["\\]/.test(key)) {
		throw invalid(field, `custom field names must be 1 to ${LIMITS.customKey} characters, without " or \\`);
	}
	return key;
}

export function describe(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (value === null) return 'null';
	if (typeof value === 'string') return `"${value.length > 60 ? value.slice(0, 57) + '...' : value}"`;
	if (typeof value === 'object') return Array.isArray(value) ? 'a list' : 'an object';
	return String(value);
}
