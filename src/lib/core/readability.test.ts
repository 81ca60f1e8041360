import { describe, expect, it } from 'vitest';
import { countText, readingGrade } from './readability';

describe('countText', () => {
	it('counts words, sentences and syllables', () => {
		expect(countText('The cat sat on the mat. It was happy!')).toEqual({
			words: 9,
			sentences: 2,
			syllables: 10
		});
	});

	it('reads a label without a full stop as one sentence, and a placeholder as a word', () => {
		expect(countText('Thank you, {name}')).toEqual({ words: 3, sentences: 1, syllables: 3 });
	});
});

describe('readingGrade', () => {
	it('applies the Flesch–Kincaid formula', () => {
		// 9 words, 2 sentences, 10 syllables.
		const expected = 0.39 * (9 / 2) + 11.8 * (10 / 9) - 15.59;
		expect(readingGrade(['The cat sat on the mat. It was happy!'])).toBeCloseTo(expected, 10);
	});

	it('rates long words and long sentences higher', () => {
		const plain = readingGrade(['We talk. You listen. Then we switch.']);
		const dense = readingGrade([
			'Participants acknowledge that institutional documentation necessitates comprehensive authorization procedures before any organizational dissemination.'
		]);
		expect(dense).toBeGreaterThan(plain + 10);
	});

	it('refuses an empty set rather than inventing a grade', () => {
		expect(() => readingGrade(['', '  '])).toThrow();
	});
});
