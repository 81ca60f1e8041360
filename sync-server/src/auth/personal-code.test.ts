import { describe, expect, it } from 'vitest';
import { PERSONAL_CODE_ALPHABET, generatePersonalCode, normalizePersonalCode } from './personal-code.ts';

describe('personal codes', () => {
	it('are 8 unambiguous characters shown as XXXX-XXXX', () => {
		for (let i = 0; i < 200; i++) {
			const code = generatePersonalCode();
			expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
			expect(code).not.toMatch(/[ILOU]/);
		}
		expect(PERSONAL_CODE_ALPHABET).toHaveLength(32);
	});

	it.each([
		['K7QM-4XTR', 'K7QM4XTR'],
		['k7qm 4xtr', 'K7QM4XTR'],
		['  k7qm–4xtr ', 'K7QM4XTR'],
		['O0I1-L1oi', '00111101'],
		['AB-CD-EF-GH', 'ABCDEFGH']
	])('normalises %j to %s', (input, expected) => {
		expect(normalizePersonalCode(input)).toBe(expected);
	});

	it.each(['K7QM-4XT', 'K7QM-4XTRR', 'K7QM-4XT!', 'UUUU-UUUU', ''])('refuses %j', (input) => {
		expect(normalizePersonalCode(input)).toBeUndefined();
	});

	it('accepts every generated code back', () => {
		const code = generatePersonalCode();
		expect(normalizePersonalCode(code)).toBe(code.replace('-', ''));
	});
});
