import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateOffset, keepRecent } from './clock-offset';

describe('estimateOffset', () => {
	it('is undefined without samples', () => {
		expect(estimateOffset([])).toBeUndefined();
	});

	it('finds a server clock 5 s ahead from a symmetric round trip', () => {
		expect(estimateOffset([{ sentAt: 1000, receivedAt: 1040, serverTime: 6020 }])).toEqual({
			offsetMs: 5000,
			rttMs: 40,
			uncertaintyMs: 20,
			samples: 1
		});
	});

	it('trusts the fastest round trips over slow, lopsided ones', () => {
		const estimate = estimateOffset([
			{ sentAt: 0, receivedAt: 900, serverTime: 800 + 5000 }, // delayed on the way there
			{ sentAt: 1000, receivedAt: 1020, serverTime: 6010 },
			{ sentAt: 2000, receivedAt: 2030, serverTime: 7015 },
			{ sentAt: 3000, receivedAt: 3024, serverTime: 8012 }
		]);
		expect(estimate?.offsetMs).toBe(5000);
		expect(estimate?.rttMs).toBe(20);
	});

	it('is never further off than half the fastest round trip (any one-way delays)', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: -1e9, max: 1e9 }),
				fc.array(fc.tuple(fc.nat(5000), fc.nat(500), fc.nat(500)), { minLength: 1, maxLength: 20 }),
				(trueOffset, trips) => {
					const samples = trips.map(([at, up, down]) => ({
						sentAt: at,
						serverTime: at + up + trueOffset,
						receivedAt: at + up + down
					}));
					const estimate = estimateOffset(samples, { best: 1 })!;
					expect(Math.abs(estimate.offsetMs - trueOffset)).toBeLessThanOrEqual(estimate.uncertaintyMs + 1e-9);
				}
			)
		);
	});

	it('ignores samples whose clock went backwards', () => {
		expect(estimateOffset([{ sentAt: 10, receivedAt: 5, serverTime: 0 }])).toBeUndefined();
	});
});

describe('keepRecent', () => {
	it('keeps only the newest samples', () => {
		let kept: { sentAt: number; receivedAt: number; serverTime: number }[] = [];
		for (let i = 0; i < 20; i++) kept = keepRecent(kept, { sentAt: i, receivedAt: i, serverTime: i }, 5);
		expect(kept.map((s) => s.sentAt)).toEqual([15, 16, 17, 18, 19]);
	});
});
