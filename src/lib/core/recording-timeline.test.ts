import { describe, expect, it } from 'vitest';
import { bytesForMinutes, checkForDropout, gapAfterCrash, SAMPLE_RATE, SEGMENT_SAMPLES } from './recording-timeline';

const run = { startSample: 0, startServerMs: 1_000_000 };

describe('checkForDropout', () => {
	it('sees no dropout when samples keep pace with the clock, give or take jitter', () => {
		const result = checkForDropout({
			run,
			segment: { startSample: SAMPLE_RATE * 10, serverTimeMs: 1_000_000 + 10_000 + 30 },
			knownLagMs: 0
		});
		expect(result.dropout).toBeUndefined();
		expect(result.lagMs).toBe(0);
	});

	it('reports the missing time once when the clock runs ahead of the samples', () => {
		const first = checkForDropout({
			run,
			segment: { startSample: SEGMENT_SAMPLES * 4, serverTimeMs: 1_000_000 + 2_000 + 400 },
			knownLagMs: 0
		});
		expect(first.dropout).toEqual({ atSample: SEGMENT_SAMPLES * 4, atServerMs: 1_002_000, missingMs: 400 });
		const next = checkForDropout({
			run,
			segment: { startSample: SEGMENT_SAMPLES * 5, serverTimeMs: 1_000_000 + 2_500 + 400 },
			knownLagMs: first.lagMs
		});
		expect(next.dropout).toBeUndefined();
		expect(next.lagMs).toBe(400);
	});

	it('measures a run from where it started (after a resume)', () => {
		const resumed = { startSample: SAMPLE_RATE * 60, startServerMs: 5_000_000 };
		const result = checkForDropout({
			run: resumed,
			segment: { startSample: SAMPLE_RATE * 61, serverTimeMs: 5_001_000 },
			knownLagMs: 0
		});
		expect(result.dropout).toBeUndefined();
	});
});

describe('gapAfterCrash', () => {
	it('is the time between the last saved audio and the resume', () => {
		expect(
			gapAfterCrash({ sampleCount: 48_000 * 30, lastSegmentEndServerMs: 10_000, resumedAtServerMs: 25_500 })
		).toEqual({ atSample: 1_440_000, atServerMs: 10_000, missingMs: 15_500 });
	});
});

describe('bytesForMinutes', () => {
	it('needs about 380 MB for an hour of 48 kHz 16-bit mono', () => {
		expect(bytesForMinutes(60) / 1e6).toBeCloseTo(380.2, 0);
	});
});
