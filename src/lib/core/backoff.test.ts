import { describe, expect, it } from 'vitest';
import { retryDelay } from './backoff';

describe('retryDelay', () => {
	it('grows exponentially with the attempt when jitter is at its top', () => {
		const delays = [0, 1, 2, 3].map((attempt) => retryDelay({ attempt, random: 1 }));
		expect(delays).toEqual([1_000, 2_000, 4_000, 8_000]);
	});

	it('is capped at the maximum', () => {
		expect(retryDelay({ attempt: 40, random: 1, maxMs: 60_000 })).toBe(60_000);
	});

	it('spreads retries over the whole window with jitter, but never below 250 ms', () => {
		expect(retryDelay({ attempt: 3, random: 0.5 })).toBe(4_000);
		expect(retryDelay({ attempt: 3, random: 0 })).toBe(250);
	});
});
