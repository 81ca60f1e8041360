import { describe, expect, it } from 'vitest';
import { levelFromRms } from './level-meter';

describe('levelFromRms', () => {
	it.each([
		[0, 0],
		[0.0001, 0], // −80 dBFS: below the meter
		[0.001, 0],
		[0.01, 1 / 3],
		[0.1, 2 / 3],
		[1, 1],
		[2, 1]
	])('rms %d → %d', (rms, level) => expect(levelFromRms(rms)).toBeCloseTo(level, 5));
});
