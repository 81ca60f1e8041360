/**
 * Spanish readability (issue #8: the texts read plainly in both languages). Flesch–Kincaid is
 * calibrated on English; for Spanish we use Fernández Huerta's adaptation of Flesch's reading ease
 * (1959, in its corrected form): 206.84 − 60 × syllables/word − 1.02 × words/sentence.
 * 0–100, higher is easier; 60–70 is "normal" (about US grade 8–9), 70–80 "fairly easy" (grade 7).
 */

const WORD = /[a-záéíóúüñ]+/gi;
const SENTENCE_END = /[.!?…]+(?=\s|$)/g;
const VOWELS = 'aeiouáéíóúü';
/** Two of these side by side are two syllables (hiatus): a-e-o, and an accented í or ú with any vowel. */
const STRONG = 'aeoáéó';
const ACCENTED_WEAK = 'íú';

/** Syllables of one Spanish word: vowel groups, split where two vowels form a hiatus. */
export function spanishSyllables(word: string): number {
	const w = word
		.toLowerCase()
		// The u of que, qui, gue, gui is silent; a final y sounds as a vowel (hoy, muy).
		.replace(/([qg])u([eéií])/g, '$1$2')
		.replace(/y$/, 'i');
	let count = 0;
	let previous = '';
	for (const ch of w) {
		const vowel = VOWELS.includes(ch);
		if (vowel) {
			const hiatus =
				VOWELS.includes(previous) &&
				((STRONG.includes(previous) && STRONG.includes(ch)) ||
					ACCENTED_WEAK.includes(previous) ||
					ACCENTED_WEAK.includes(ch));
			if (!VOWELS.includes(previous) || hiatus) count++;
		}
		previous = ch;
	}
	return Math.max(1, count);
}

/** Fernández Huerta reading ease over a set of texts read as one. Labels without a full stop are one sentence. */
export function spanishReadingEase(texts: readonly string[]): number {
	let words = 0;
	let sentences = 0;
	let syllables = 0;
	for (const text of texts) {
		const plain = text.replace(/\{\w+\}/g, 'eso');
		const found = plain.match(WORD) ?? [];
		if (found.length === 0) continue;
		words += found.length;
		sentences += Math.max(1, plain.match(SENTENCE_END)?.length ?? 0);
		syllables += found.reduce((sum, word) => sum + spanishSyllables(word), 0);
	}
	if (words === 0) throw new Error('spanishReadingEase needs at least one word.');
	return 206.84 - 60 * (syllables / words) - 1.02 * (words / sentences);
}
