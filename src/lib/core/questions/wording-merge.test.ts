import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDelta, diffWording, mergeWording } from './wording-merge';

describe('diffWording', () => {
	it('finds each changed word, and nothing where nothing changed', () => {
		expect(diffWording('What do you hope for?', 'What do you hope for?')).toEqual([]);
		expect(diffWording('What do you hope for?', 'What do you really hope for today?')).toEqual([
			{ from: 12, to: 12, insert: 'really ' },
			{ from: 20, to: 20, insert: ' today' }
		]);
		expect(diffWording('Who taught you?', 'Who raised you?')).toEqual([
			{ from: 4, to: 10, insert: 'raised' }
		]);
	});

	it('never splits a surrogate pair', () => {
		const hunks = diffWording('Hi 👋 there', 'Hi 👍 there');
		expect(hunks).toEqual([{ from: 3, to: 5, insert: '👍' }]);
	});
});

describe('mergeWording (issue #14)', () => {
	it('keeps a partner’s edit and mine when they are in different places', () => {
		const merged = mergeWording({
			base: 'What does a good neighbor do?',
			mine: 'What does a good neighbor do for you?',
			theirs: 'What, in your view, does a good neighbor do?'
		});
		expect(merged.text).toBe('What, in your view, does a good neighbor do for you?');
		expect(merged.delta).toEqual([{ retain: 43 }, { insert: ' for you' }]);
	});

	it('keeps both when both add words at the same place, theirs first', () => {
		const merged = mergeWording({ base: 'Why here?', mine: 'Why here today?', theirs: 'Why here now?' });
		expect(merged.text).toBe('Why here now today?');
	});

	it('keeps both rewrites of the same word', () => {
		const merged = mergeWording({
			base: 'Who taught you?',
			mine: 'Who raised you?',
			theirs: 'Who helped you?'
		});
		expect(merged.text).toBe('Who helpedraised you?');
	});

	it('does not bring back words the partner removed, nor keep words I removed', () => {
		expect(
			mergeWording({
				base: 'Why are you really here?',
				mine: 'Why are you really here today?',
				theirs: 'Why are you here?'
			}).text
		).toBe('Why are you here today?');
		expect(
			mergeWording({
				base: 'Why are you really here?',
				mine: 'Why are you here?',
				theirs: 'Why are you really here now?'
			}).text
		).toBe('Why are you here now?');
	});

	it('moves the caret with the text around it', () => {
		const base = 'Why here?';
		const mine = 'Why here today?';
		const merged = mergeWording({
			base,
			mine,
			theirs: 'So, why here?',
			selection: { start: 14, end: 14 } // after "today"
		});
		expect(merged.text).toBe('So, why here today?');
		expect(merged.selection).toEqual({ start: 18, end: 18 });
		// A selection of my own words still selects them.
		const selected = mergeWording({ base, mine, theirs: 'So, why here?', selection: { start: 8, end: 14 } });
		expect(selected.text.slice(selected.selection!.start, selected.selection!.end)).toBe(' today');
	});

	const text = fc
		.array(fc.constantFrom(' ', 'a', 'b', 'c', '.', '?', 'é', '👋'), { maxLength: 12 })
		.map((chars) => chars.join(''));

	it('is a plain rewrite or a plain adoption when only one side changed (property)', () => {
		fc.assert(
			fc.property(text, text, (base, other) => {
				expect(mergeWording({ base, mine: other, theirs: base }).text).toBe(other);
				expect(mergeWording({ base, mine: base, theirs: other })).toMatchObject({ text: other, delta: [] });
			})
		);
	});

	it('its delta turns theirs into the merged text, and my words and theirs are all in it (property)', () => {
		fc.assert(
			fc.property(text, text, text, fc.nat(12), (base, mine, theirs, caret) => {
				const merged = mergeWording({ base, mine, theirs, selection: { start: caret, end: caret } });
				expect(applyDelta(theirs, merged.delta)).toBe(merged.text);
				for (const h of diffWording(base, mine)) expect(merged.text).toContain(h.insert);
				for (const h of diffWording(base, theirs)) expect(merged.text).toContain(h.insert);
				const at = merged.selection!.start;
				expect(at).toBeGreaterThanOrEqual(0);
				expect(at).toBeLessThanOrEqual(merged.text.length);
			})
		);
	});
});
