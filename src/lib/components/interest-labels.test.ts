import { afterEach, describe, expect, it } from 'vitest';
import { SUGGESTED_INTERESTS } from '$lib/core/interests';
import { getLocale, overwriteGetLocale } from '$lib/paraglide/runtime.js';
import { interestLabel, interestList } from './interest-labels';

const appLocale = getLocale;
afterEach(() => overwriteGetLocale(appLocale));

describe('interest labels', () => {
	it('shows every suggested interest in Spanish, while the stored value stays the English id', () => {
		overwriteGetLocale(() => 'es');
		const labels = SUGGESTED_INTERESTS.map(interestLabel);
		expect(new Set(labels).size).toBe(SUGGESTED_INTERESTS.length);
		for (const [i, id] of SUGGESTED_INTERESTS.entries()) expect(labels[i], id).not.toBe(id);
		expect(interestList(['gardening', 'fishing and hunting'])).toBe('jardinería, pesca y caza');
	});

	it('shows the id itself in English, and a typed interest as typed in either language', () => {
		overwriteGetLocale(() => 'en');
		for (const id of SUGGESTED_INTERESTS) expect(interestLabel(id)).toBe(id);
		overwriteGetLocale(() => 'es');
		expect(interestLabel('beekeeping')).toBe('beekeeping');
		expect(interestLabel('constructor')).toBe('constructor');
	});
});
