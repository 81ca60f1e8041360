import { describe, expect, it } from 'vitest';
import { spanishReadingEase, spanishSyllables } from './readability-es';

describe('spanishSyllables', () => {
	it.each([
		['casa', 2],
		['grabación', 3],
		['conversación', 4],
		['pregunta', 3],
		['quiero', 2],
		['guerra', 2],
		['poeta', 3],
		['día', 2],
		['cuidado', 3],
		['hoy', 1],
		['aeropuerto', 5]
	])('%s has %i syllables', (word, n) => {
		expect(spanishSyllables(word)).toBe(n);
	});
});

describe('spanishReadingEase', () => {
	it('applies Fernández Huerta’s formula', () => {
		// 6 words, 2 sentences: el(1) gato(2) come(2) Luego(2) se(1) duerme(2) = 10 syllables.
		const expected = 206.84 - 60 * (10 / 6) - 1.02 * (6 / 2);
		expect(spanishReadingEase(['El gato come. Luego se duerme.'])).toBeCloseTo(expected, 10);
	});

	it('rates long words and long sentences as harder', () => {
		const plain = spanishReadingEase(['Hablamos. Usted escucha. Luego cambiamos.']);
		const dense = spanishReadingEase([
			'Los participantes reconocen que la documentación institucional necesita procedimientos de autorización exhaustivos antes de cualquier difusión organizacional.'
		]);
		expect(plain).toBeGreaterThan(dense + 30);
	});

	it('refuses an empty set rather than inventing a score', () => {
		expect(() => spanishReadingEase(['', ' '])).toThrow();
	});
});
