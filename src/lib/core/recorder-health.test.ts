import { describe, expect, it } from 'vitest';
import { assessRecorder, BEHIND_AFTER_MS } from './recorder-health';

describe('assessRecorder', () => {
	it('is well while segments arrive and land', () => {
		expect(
			assessRecorder({ capturing: true, nowMs: 10_000, lastCapturedAtMs: 9_500, oldestUnsavedWaitMs: 200 })
		).toEqual({ state: 'ok', behindMs: 0 });
	});

	it('says the capture is behind when no audio has arrived for a while', () => {
		expect(
			assessRecorder({ capturing: true, nowMs: 20_000, lastCapturedAtMs: 15_000, oldestUnsavedWaitMs: 0 })
		).toEqual({ state: 'behind', behindMs: 5_000, cause: 'capture' });
	});

	it('says the storage is behind when audio waits to be saved', () => {
		expect(
			assessRecorder({ capturing: true, nowMs: 20_000, lastCapturedAtMs: 19_800, oldestUnsavedWaitMs: 8_000 })
		).toEqual({ state: 'behind', behindMs: 8_000, cause: 'storage' });
	});

	it('a pause is not a stall, but unsaved audio still counts while paused', () => {
		expect(
			assessRecorder({ capturing: false, nowMs: 90_000, lastCapturedAtMs: 10_000, oldestUnsavedWaitMs: 0 })
				.state
		).toBe('ok');
		expect(
			assessRecorder({
				capturing: false,
				nowMs: 90_000,
				lastCapturedAtMs: 10_000,
				oldestUnsavedWaitMs: BEHIND_AFTER_MS + 1
			})
		).toMatchObject({ state: 'behind', cause: 'storage' });
	});
});
