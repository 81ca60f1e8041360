import { randomInt } from 'node:crypto';

/**
 * Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand from a sheet of paper
 * at a library kiosk survives. 8 characters = 40 bits.
 */
export const PERSONAL_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const PERSONAL_CODE_LENGTH = 8;

/** A new code in its display form, e.g. "K7QM-4XTR". */
export function generatePersonalCode(): string {
	let raw = '';
	for (let i = 0; i < PERSONAL_CODE_LENGTH; i++)
		raw += PERSONAL_CODE_ALPHABET[randomInt(PERSONAL_CODE_ALPHABET.length)];
	return formatPersonalCode(raw);
}

export function formatPersonalCode(normalized: string): string {
	return `${normalized.slice(0, 4)}-${normalized.slice(4)}`;
}

/**
 * The form that is hashed and compared: upper-case, no spaces or dashes, and the letters people
 * confuse with digits mapped to them (O→0, I/L→1). Returns undefined when it cannot be a code.
 */
export function normalizePersonalCode(input: string): string | undefined {
	const normalized = input
		.toUpperCase()
		.replace(/[\s\-–—_.]/g, '')
		.replace(/O/g, '0')
		.replace(/[IL]/g, '1');
	if (normalized.length !== PERSONAL_CODE_LENGTH) return undefined;
	for (const ch of normalized) if (!PERSONAL_CODE_ALPHABET.includes(ch)) return undefined;
	return normalized;
}
