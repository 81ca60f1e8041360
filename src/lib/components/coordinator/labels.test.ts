import { afterEach, describe, expect, it } from 'vitest';
import { getLocale, overwriteGetLocale } from '$lib/paraglide/runtime.js';
import { participantStatus } from './labels';

const appLocale = getLocale;
afterEach(() => overwriteGetLocale(appLocale));

describe('participantStatus', () => {
	it('puts a space on both sides of the dot (it read "Oriented· waiting", issue #14)', () => {
		overwriteGetLocale(() => 'en');
		expect(participantStatus({ stage: 'oriented', waiting: true })).toBe('Oriented · waiting for a match');
		expect(participantStatus({ stage: 'matched', waiting: false })).toBe('Matched');
	});
});
