import { describe, expect, it } from 'vitest';
import { applyCommand, elapsedAt, mergeShared, type SharedRecording } from './shared-recording';

const started = applyCommand(undefined, { type: 'start', recordingId: 'r1', atServerMs: 1_000 })!;

describe('applyCommand', () => {
	it('starts, pauses, resumes and stops one recording, counting the pause', () => {
		const paused = applyCommand(started, { type: 'pause', recordingId: 'r1', atServerMs: 11_000 })!;
		expect(paused).toMatchObject({ state: 'paused', pausedAtServerMs: 11_000, changedAtServerMs: 11_000 });
		const resumed = applyCommand(paused, { type: 'resume', recordingId: 'r1', atServerMs: 14_000 })!;
		expect(resumed).toMatchObject({ state: 'recording', pausedMs: 3_000, changedAtServerMs: 14_000 });
		expect(resumed.pausedAtServerMs).toBeUndefined();
		const stopped = applyCommand(resumed, { type: 'stop', recordingId: 'r1', atServerMs: 20_000 })!;
		expect(stopped).toMatchObject({ state: 'stopped', changedAtServerMs: 20_000 });
	});

	it('ignores commands for another recording, repeats, and anything after a stop', () => {
		expect(applyCommand(started, { type: 'pause', recordingId: 'other', atServerMs: 5_000 })).toBe(started);
		expect(applyCommand(started, { type: 'resume', recordingId: 'r1', atServerMs: 5_000 })).toBe(started);
		expect(applyCommand(started, { type: 'start', recordingId: 'r2', atServerMs: 5_000 })).toBe(started);
		const stopped = applyCommand(started, { type: 'stop', recordingId: 'r1', atServerMs: 6_000 })!;
		expect(applyCommand(stopped, { type: 'pause', recordingId: 'r1', atServerMs: 7_000 })).toBe(stopped);
		expect(applyCommand(undefined, { type: 'pause', recordingId: 'r1', atServerMs: 7_000 })).toBeUndefined();
	});

	it('starts a new recording after a stop', () => {
		const stopped = applyCommand(started, { type: 'stop', recordingId: 'r1', atServerMs: 6_000 })!;
		expect(applyCommand(stopped, { type: 'start', recordingId: 'r2', atServerMs: 9_000 })).toMatchObject({
			id: 'r2',
			state: 'recording',
			startedAtServerMs: 9_000
		});
	});
});

describe('mergeShared', () => {
	const recovered: SharedRecording = { ...started, changedAtServerMs: 0 };
	const pausedWhileApart = applyCommand(started, { type: 'pause', recordingId: 'r1', atServerMs: 40_000 })!;

	it('a pause given while the data channel was down wins on both devices once they reconnect', () => {
		// The device that came back after a crash knows nothing newer than its own track.
		expect(mergeShared(recovered, pausedWhileApart)).toBe(pausedWhileApart);
		expect(mergeShared(pausedWhileApart, recovered)).toBe(pausedWhileApart);
	});

	it('the later change wins, whichever side hears of it first', () => {
		const resumed = applyCommand(pausedWhileApart, {
			type: 'resume',
			recordingId: 'r1',
			atServerMs: 41_000
		})!;
		expect(mergeShared(pausedWhileApart, resumed)).toBe(resumed);
		expect(mergeShared(resumed, pausedWhileApart)).toBe(resumed);
	});

	it('the same instant goes to the further state on both sides', () => {
		const paused = {
			...started,
			state: 'paused' as const,
			pausedAtServerMs: 5_000,
			changedAtServerMs: 5_000
		};
		const recording = { ...started, changedAtServerMs: 5_000 };
		expect(mergeShared(recording, paused)).toBe(paused);
		expect(mergeShared(paused, recording)).toBe(paused);
	});

	it('a stop is final for its recording, even against a later time', () => {
		const stopped = applyCommand(started, { type: 'stop', recordingId: 'r1', atServerMs: 30_000 })!;
		const laterResume = { ...started, changedAtServerMs: 50_000 };
		expect(mergeShared(laterResume, stopped)).toBe(stopped);
		expect(mergeShared(stopped, laterResume)).toBe(stopped);
	});

	it('follows a newer recording, and never adopts one that already ended', () => {
		const stopped = applyCommand(started, { type: 'stop', recordingId: 'r1', atServerMs: 30_000 })!;
		const next = applyCommand(stopped, { type: 'start', recordingId: 'r2', atServerMs: 35_000 })!;
		expect(mergeShared(stopped, next)).toBe(next);
		expect(mergeShared(next, stopped)).toBe(next);
		expect(mergeShared(undefined, stopped)).toBeUndefined();
		expect(mergeShared(undefined, started)).toBe(started);
		expect(mergeShared(started, null)).toBe(started);
	});
});

describe('elapsedAt', () => {
	it('counts from the start without pauses, and holds still while paused or stopped', () => {
		expect(elapsedAt(undefined, 5_000)).toBe(0);
		expect(elapsedAt(started, 11_000)).toBe(10_000);
		const paused = applyCommand(started, { type: 'pause', recordingId: 'r1', atServerMs: 11_000 })!;
		expect(elapsedAt(paused, 60_000)).toBe(10_000);
		const resumed = applyCommand(paused, { type: 'resume', recordingId: 'r1', atServerMs: 14_000 })!;
		expect(elapsedAt(resumed, 16_000)).toBe(12_000);
		const stopped = applyCommand(resumed, { type: 'stop', recordingId: 'r1', atServerMs: 20_000 })!;
		expect(elapsedAt(stopped, 90_000)).toBe(16_000);
		const stoppedWhilePaused = applyCommand(paused, { type: 'stop', recordingId: 'r1', atServerMs: 30_000 })!;
		expect(elapsedAt(stoppedWhilePaused, 90_000)).toBe(10_000);
	});
});
