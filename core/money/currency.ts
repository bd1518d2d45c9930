/**
 * Currencies and money. Opportunity values are stored as whole minor units (cents) with their
 * ISO 4217 code, so sums and comparisons are exact; people and nodes speak in decimal amounts.
 * The list of codes and each code's minor-unit digits come from the runtime's ICU data (CLDR):
 * `Intl.supportedValuesOf('currency')` is the ISO 4217 list of current currencies, and
 * `Intl.NumberFormat`'s maximumFractionDigits their minor units (USD 2, JPY 0, BHD 3, CLF 4).
 */
import { invalid } from '../errors';
import { describe } from '../validation';

/** Every ISO 4217 code this runtime knows, upper case. */
export const CURRENCIES: readonly string[] = Object.freeze(Intl.supportedValuesOf('currency'));
const KNOWN = new Set(CURRENCIES);

export const DEFAULT_CURRENCY = 'USD';

/** The code, upper-cased; anything that is not an ISO 4217 code is `invalid` naming `field`. */
export function currencyCode(field: string, value: unknown): string {
	const code = typeof value === 'string' ? value.trim().toUpperCase() : value;
	if (typeof code !== 'string' || !KNOWN.has(code)) {
		throw invalid(field, `${field} must be an ISO 4217 currency code such as USD, EUR or JPY; got ${describe(value)}`);
	}
	return code;
}

const digitsCache = new Map<string, number>();

/** How many decimal digits the currency's minor unit has (USD 2, JPY 0, BHD 3). */
export function minorDigits(code: string): number {
	let digits = digitsCache.get(code);
	if (digits === undefined) {
		digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
		digitsCache.set(code, digits);
	}
	return digits;
}

/** The largest value a store holds exactly (both backends keep it as a 64-bit integer; JS as a safe integer). */
const MAX_VALUE = Number.MAX_SAFE_INTEGER;

/**
 * A decimal amount (12.5, "1,234.56" is refused: no thousands separators) → whole minor units.
 * More decimals than the currency has is an error, not a silent rounding; negative is an error.
 */
export function amountToMinor(field: string, value: unknown, currency: string): number {
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : null;
	const digits = minorDigits(currency);
	if (text === null || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) {
		throw invalid(field, `${field} must be a number (e.g. 1250.50); got ${describe(value)}`);
	}
	const n = Number(text);
	if (!Number.isFinite(n)) throw invalid(field, `${field} must be a number (e.g. 1250.50); got ${describe(value)}`);
	if (n < 0) throw invalid(field, `${field} must not be negative; got ${describe(value)}`);
	const minor = Math.round(n * 10 ** digits);
	// Refuse what the currency cannot hold: 12.345 USD is not a number of cents.
	if (Math.abs(minor - n * 10 ** digits) > 1e-6 * Math.max(1, Math.abs(minor))) {
		throw invalid(field, `${field}: ${currency} has ${digits} decimal digit${digits === 1 ? '' : 's'}; got ${describe(value)}`);
	}
	if (minor > MAX_VALUE) throw invalid(field, `${field} is too large; got ${describe(value)}`);
	return minor;
}

/** Whole minor units, given as such: a non-negative whole number. */
export function minorUnits(field: string, value: unknown): number {
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
		throw invalid(field, `${field} must be a whole number of minor units (cents); got ${describe(value)}`);
	}
	if (n < 0) throw invalid(field, `${field} must not be negative; got ${describe(value)}`);
	return n;
}

/** Minor units → the decimal amount (12345 USD → 123.45). */
export const minorToAmount = (value: number, currency: string) => value / 10 ** minorDigits(currency);
