import { describe, expect, it } from 'vitest';
import { autobiographyWarnings } from './privacy';

const kinds = (text: string, who = { lastName: 'Okafor', email: 'ada@example.org', phone: '205-555-0100' }) =>
	autobiographyWarnings({ text, ...who }).map((w) => w.kind);

describe('autobiographyWarnings', () => {
	it.each([
		['I grew up in Ensley and love fishing with my grandkids.', []],
		['I am Ada Okafor and I teach music.', ['last-name']],
		['The Okafor family reunion is every July.', ['last-name']],
		['Write me at someone@mail.com any time.', ['email']],
		['Call me on (205) 555 0199 after work.', ['phone']],
		['My own number is 2055550100.', ['phone']],
		['I live at 1420 Oak Hill Road, near the park.', ['address']],
		['Vivo en 12 Calle Real con mi familia.', ['address']]
	])('%s → %j', (text, expected) => {
		expect(kinds(text)).toEqual(expected);
	});

	it('does not flag a last name that is only part of another word', () => {
		expect(kinds('I love okra and plantains.', { lastName: 'Okra', email: '', phone: '' })).toEqual([
			'last-name'
		]);
		expect(kinds('I love okras.', { lastName: 'Okra', email: '', phone: '' })).toEqual([]);
	});

	it('counts years and ages as fine', () => {
		expect(kinds('Born in 1961, married in 1985, 3 kids and 7 grandkids.')).toEqual([]);
	});
});
