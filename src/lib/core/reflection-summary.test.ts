import { describe, expect, it } from 'vitest';
import { summarizeReflections } from './reflection-summary';

describe('summarizeReflections', () => {
	it('gives the mean change per group and hides groups too small to stay anonymous', () => {
		const rows = [
			{ c: 'bham', before: 40, after: 60, again: 'yes' as const },
			{ c: 'bham', before: 50, after: 55, again: 'maybe' as const },
			{ c: 'bham', after: 70, again: 'yes' as const },
			{ c: 'mobile', before: 10, after: 90, again: 'no' as const }
		];
		expect(summarizeReflections(rows, (r) => r.c)).toEqual([
			{ group: 'bham', count: 3, meanBefore: 45, meanAfter: 61.7, meanChange: 12.5, againYes: 2 },
			{ group: 'mobile', count: 1, hidden: true }
		]);
	});
});
