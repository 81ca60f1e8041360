import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gradeOf, messagesOf, PLAIN_LANGUAGE_SETS, type PlainLanguageSet } from './plain-language';

// Issue #8: the sign-up, consent and kiosk texts read at about US grade 8 (Flesch–Kincaid).
const MAX_GRADE = 8.5;
const en = JSON.parse(readFileSync(new URL('../../messages/en.json', import.meta.url), 'utf8')) as Record<
	string,
	string
>;

describe('plain language (English)', () => {
	it('the sign-up texts are all in the measured set', () => {
		expect(messagesOf(en, 'signup').length).toBeGreaterThan(100);
	});

	for (const set of Object.keys(PLAIN_LANGUAGE_SETS) as PlainLanguageSet[]) {
		const grade = gradeOf(en, set);
		// Consent (#6) and kiosk (#7) texts are measured from the day their screens add them.
		it.skipIf(grade === undefined)(`${set} texts read at about grade 8 or below`, () => {
			expect(grade).toBeLessThanOrEqual(MAX_GRADE);
		});
	}
});
