import { describe, expect, it } from 'vitest';
import { BANK_CATEGORIES, QUESTION_BANK, searchBank } from './bank';

describe('question bank', () => {
	it('starts with the program’s three questions, then at least 40 of ours in every category', () => {
		expect(QUESTION_BANK.slice(0, 3).map((q) => q.en)).toEqual([
			'Who has been the most influential person in your life? What did they teach you?',
			"Do you ever feel misunderstood by people with different beliefs than you (i.e. by people from 'the other side of the aisle')? How so?",
			"Is there something about my beliefs that you don't agree with but still respect?"
		]);
		const ours = QUESTION_BANK.filter((q) => q.category !== 'program');
		expect(ours.length).toBeGreaterThanOrEqual(40);
		for (const category of BANK_CATEGORIES) {
			expect(
				QUESTION_BANK.some((q) => q.category === category),
				category
			).toBe(true);
		}
	});

	it('has every question in English and Spanish, with unique ids and wordings', () => {
		for (const q of QUESTION_BANK) {
			expect(q.en.trim(), q.id).not.toBe('');
			expect(q.es.trim(), q.id).not.toBe('');
			expect(q.es, q.id).not.toBe(q.en);
		}
		expect(new Set(QUESTION_BANK.map((q) => q.id)).size).toBe(QUESTION_BANK.length);
		expect(new Set(QUESTION_BANK.map((q) => q.en)).size).toBe(QUESTION_BANK.length);
		expect(new Set(QUESTION_BANK.map((q) => q.es)).size).toBe(QUESTION_BANK.length);
	});

	it('searches both languages, ignoring case and accents, within a category', () => {
		expect(searchBank({ query: 'INFLUENTIAL' }).map((q) => q.id)).toEqual(['program-influential-person']);
		expect(searchBank({ query: 'influyente' }).map((q) => q.id)).toEqual(['program-influential-person']);
		expect(searchBank({ query: 'tradicion' }).map((q) => q.id)).toEqual(['family-tradition']);
		expect(searchBank({ category: 'values' }).every((q) => q.category === 'values')).toBe(true);
		expect(searchBank({ query: 'family', category: 'values' })).toEqual([]);
		expect(searchBank({})).toHaveLength(QUESTION_BANK.length);
	});
});
