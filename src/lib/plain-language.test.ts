import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countText, readingGrade } from './core/readability';
import { spanishReadingEase } from './core/readability-es';
import {
	gradeOf,
	messagesOf,
	PLAIN_LANGUAGE_SETS,
	spanishEaseOf,
	type PlainLanguageSet
} from './plain-language';

// Issue #8: the sign-up, consent and kiosk texts read at about US grade 8 (Flesch–Kincaid).
const MAX_GRADE = 8.5;
const catalog = (lang: 'en' | 'es') =>
	JSON.parse(readFileSync(new URL(`../../messages/${lang}.json`, import.meta.url), 'utf8')) as Record<
		string,
		string
	>;
const en = catalog('en');
const es = catalog('es');
/** Fernández Huerta reading ease of about US grade 8 or simpler. */
const MIN_SPANISH_EASE = 60;

describe('plain language (English)', () => {
	it('the sign-up texts are all in the measured set', () => {
		expect(messagesOf(en, 'signup').length).toBeGreaterThan(100);
	});

	for (const set of Object.keys(PLAIN_LANGUAGE_SETS) as PlainLanguageSet[]) {
		const grade = gradeOf(en, set);
		it(`${set} texts read at about grade 8 or below`, () => {
			expect(messagesOf(en, set).length, `the ${set} texts are measured`).toBeGreaterThan(20);
			expect(grade).toBeLessThanOrEqual(MAX_GRADE);
		});
	}
});

describe('plain language (Spanish)', () => {
	for (const set of Object.keys(PLAIN_LANGUAGE_SETS) as PlainLanguageSet[]) {
		it(`${set} texts read as easily as about grade 8 or simpler`, () => {
			expect(messagesOf(es, set).length).toBe(messagesOf(en, set).length);
			expect(spanishEaseOf(es, set)).toBeGreaterThanOrEqual(MIN_SPANISH_EASE);
		});
	}
});

describe('plain language, text by text (consent and kiosk)', () => {
	// A set's average could hide one hard paragraph among many short labels; every instruction of ten
	// words or more is held to the same line on its own, in both languages.
	for (const set of ['consent', 'kiosk'] as const) {
		const keys = Object.keys(en).filter(
			(key) => PLAIN_LANGUAGE_SETS[set].test(key) && countText(en[key]!).words >= 10
		);
		it(`every ${set} instruction reads at about grade 8 or simpler (${keys.length} texts)`, () => {
			expect(keys.length).toBeGreaterThan(5);
			const hard = keys.filter(
				(key) => readingGrade([en[key]!]) > MAX_GRADE || spanishReadingEase([es[key]!]) < MIN_SPANISH_EASE
			);
			expect(hard).toEqual([]);
		});
	}
});

describe('plain language, the call-quality notes (issue #18)', () => {
	// Read out during a conversation, by someone who is listening to another person at the same time.
	const keys = Object.keys(en).filter((key) => key.startsWith('call_quality_'));
	it(`each reads at about grade 8 or simpler, in both languages (${keys.length} texts)`, () => {
		expect(keys.length).toBeGreaterThanOrEqual(10);
		const hard = keys.filter(
			(key) => readingGrade([en[key]!]) > MAX_GRADE || spanishReadingEase([es[key]!]) < MIN_SPANISH_EASE
		);
		expect(hard).toEqual([]);
	});
});
