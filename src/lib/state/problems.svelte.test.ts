import { describe, expect, it } from 'vitest';
import { Problems } from './problems.svelte';

describe('the client error funnel', () => {
	it('logs each distinct failure once, however often it is reported', () => {
		const logged: string[] = [];
		const problems = new Problems((context) => logged.push(context));
		for (let i = 0; i < 5; i++) problems.report(new Error('disk full'), { context: 'outbox', show: false });
		problems.report(new Error('quota'), { context: 'outbox', show: false });
		expect(logged).toEqual(['outbox', 'outbox']);
		expect(problems.shown).toEqual([]);
	});

	it('shows a message once, at most three, and forgets one that is dismissed', () => {
		const problems = new Problems(() => {});
		problems.report(new Error('a'), { context: 'x', message: 'Could not save.' });
		problems.report(new Error('b'), { context: 'y', message: 'Could not save.' });
		expect(problems.shown.map((p) => p.message)).toEqual(['Could not save.']);
		for (const text of ['One', 'Two', 'Three']) problems.report(text, { context: text, message: text });
		expect(problems.shown.map((p) => p.message)).toEqual(['One', 'Two', 'Three']);
		problems.dismiss(problems.shown[1]!.key);
		expect(problems.shown.map((p) => p.message)).toEqual(['One', 'Three']);
	});

	it('says something went wrong when the caller has no better words', () => {
		const problems = new Problems(() => {});
		problems.report({ weird: true }, { context: 'page' });
		expect(problems.shown).toHaveLength(1);
		expect(problems.shown[0]!.message.length).toBeGreaterThan(20);
	});
});
