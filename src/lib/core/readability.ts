import { syllable } from 'syllable';

export interface TextCounts {
	words: number;
	sentences: number;
	syllables: number;
}

const WORD = /[A-Za-z]+(?:['’][A-Za-z]+)*/g;
const SENTENCE_END = /[.!?…]+(?=\s|$)/g;

/**
 * Counts for the Flesch–Kincaid formula. A UI string without a full stop (a label, a button) is one
 * sentence; placeholders like {name} read as one short word.
 */
export function countText(text: string): TextCounts {
	const plain = text.replace(/\{\w+\}/g, 'it');
	const words = plain.match(WORD) ?? [];
	return {
		words: words.length,
		sentences: words.length === 0 ? 0 : Math.max(1, plain.match(SENTENCE_END)?.length ?? 0),
		syllables: words.reduce((sum, word) => sum + syllable(word), 0)
	};
}

/**
 * Flesch–Kincaid grade level (Kincaid et al., 1975) over a set of texts read as one:
 * 0.39 × words/sentences + 11.8 × syllables/words − 15.59. Issue #8 asks for about US grade 8.
 */
export function readingGrade(texts: readonly string[]): number {
	const total = texts.map(countText).reduce(
		(a, b) => ({
			words: a.words + b.words,
			sentences: a.sentences + b.sentences,
			syllables: a.syllables + b.syllables
		}),
		{ words: 0, sentences: 0, syllables: 0 }
	);
	if (total.words === 0) throw new Error('readingGrade needs at least one word.');
	return 0.39 * (total.words / total.sentences) + 11.8 * (total.syllables / total.words) - 15.59;
}
