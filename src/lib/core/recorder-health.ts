/**
 * Is this device's recording keeping up? (issue #15: "saved on this device" must keep up with the
 * timer, and say so plainly when it doesn't.) Two things can hold it back: the capture (no audio
 * arrives from the audio thread: a suspended context, an ended microphone) and the storage (audio
 * arrives but the database doesn't take it). Both show as time not yet saved.
 */
export type RecorderHealth = {
	state: 'ok' | 'behind';
	/** How much recorded time is not yet saved on this device, in ms (0 when all is well). */
	behindMs: number;
	cause?: 'capture' | 'storage';
};

/** Half-second segments plus a write: more than this is not jitter. */
export const BEHIND_AFTER_MS = 3_000;

export function assessRecorder({
	capturing,
	nowMs,
	lastCapturedAtMs,
	oldestUnsavedWaitMs
}: {
	/** The recorder should be capturing now (recording, not paused or stopped). */
	capturing: boolean;
	nowMs: number;
	/** When the last segment arrived from the audio thread, or the run began if none has yet. */
	lastCapturedAtMs: number;
	/** How long the oldest segment not yet saved has waited. */
	oldestUnsavedWaitMs: number;
}): RecorderHealth {
	const captureGap = capturing ? Math.max(0, nowMs - lastCapturedAtMs) : 0;
	const behindMs = Math.max(captureGap, oldestUnsavedWaitMs);
	if (behindMs <= BEHIND_AFTER_MS) return { state: 'ok', behindMs: 0 };
	return { state: 'behind', behindMs, cause: oldestUnsavedWaitMs >= captureGap ? 'storage' : 'capture' };
}
