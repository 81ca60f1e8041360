/**
 * Timing rules for the local recording (issue #5, "Recording"): 48 kHz mono, 16-bit, persisted in
 * segments of half a second (at most 1 s may be lost in a crash, the limit is 2 s), each stamped with
 * its first sample's index and server-synced time.
 */
export const SAMPLE_RATE = 48_000;
export const SEGMENT_SAMPLES = SAMPLE_RATE / 2;
export const BYTES_PER_SAMPLE = 2;
/** Gaps shorter than this are scheduling jitter, not lost audio. */
export const DROPOUT_THRESHOLD_MS = 50;

export function samplesToMs(samples: number, sampleRate = SAMPLE_RATE): number {
	return (samples / sampleRate) * 1000;
}

/** Bytes needed on the device for `minutes` of recording, with a margin for IndexedDB's overhead. */
export function bytesForMinutes(minutes: number): number {
	return Math.ceil(minutes * 60 * SAMPLE_RATE * BYTES_PER_SAMPLE * 1.1);
}

/** A stretch of uninterrupted capture: after a start, a resume or a crash recovery. */
export type CaptureRun = { startSample: number; startServerMs: number };
export type Dropout = { atSample: number; atServerMs: number; missingMs: number };

/**
 * Compares the sample count with the wall clock: where a segment should start, given how many
 * samples came before it in this run, against when it did start. A lag that grew by more than the
 * threshold since the last check is audio the device never delivered (a stalled audio thread, a
 * suspended tab). `knownLagMs` carries the lag already reported, so each dropout is counted once.
 */
export function checkForDropout({
	run,
	segment,
	knownLagMs,
	sampleRate = SAMPLE_RATE,
	thresholdMs = DROPOUT_THRESHOLD_MS
}: {
	run: CaptureRun;
	segment: { startSample: number; serverTimeMs: number };
	knownLagMs: number;
	sampleRate?: number;
	thresholdMs?: number;
}): { lagMs: number; dropout?: Dropout } {
	const expectedMs = run.startServerMs + samplesToMs(segment.startSample - run.startSample, sampleRate);
	const lagMs = segment.serverTimeMs - expectedMs;
	// A lag that shrank (a re-estimated clock offset) is not audio found again: keep the known lag.
	if (lagMs - knownLagMs <= thresholdMs) return { lagMs: knownLagMs };
	return {
		lagMs,
		dropout: { atSample: segment.startSample, atServerMs: expectedMs + knownLagMs, missingMs: Math.round(lagMs - knownLagMs) }
	};
}

/** The gap a crash left: from the end of the last saved segment to the moment capture resumes. */
export function gapAfterCrash({
	sampleCount,
	lastSegmentEndServerMs,
	resumedAtServerMs
}: {
	sampleCount: number;
	lastSegmentEndServerMs: number;
	resumedAtServerMs: number;
}): Dropout {
	return {
		atSample: sampleCount,
		atServerMs: lastSegmentEndServerMs,
		missingMs: Math.max(0, Math.round(resumedAtServerMs - lastSegmentEndServerMs))
	};
}
