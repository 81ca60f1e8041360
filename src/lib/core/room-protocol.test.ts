import { describe, expect, it } from 'vitest';
import {
	ana,
	ben,
	fay,
	roomOf,
	run,
	sent,
	ofType,
	recording,
	anaRecording,
	hello
} from './room-protocol.fixtures';
import { helloOf, initialRoom } from './room-protocol';

// The recording's own life in the room: start, pause, stop, and recovery after a crash.
describe('initialRoom', () => {
	it('knows every other member as waiting and not ready, and the participants by peer id', () => {
		const state = initialRoom(roomOf(ana), { q1: { asked: true, atServerMs: 5 } });
		expect(state.members).toEqual({
			cg_c_b: { link: 'waiting', ready: false },
			cg_c_0: { link: 'waiting', ready: false }
		});
		expect(state).toMatchObject({
			myPeerId: 'cg_c_a',
			participant: true,
			participantPeerIds: ['cg_c_a', 'cg_c_b'],
			targetMinutes: 40,
			myReady: false,
			shared: undefined,
			elapsedMs: 0,
			noted: { q1: { asked: true, atServerMs: 5 } }
		});
		expect(initialRoom(roomOf(fay)).participant).toBe(false);
	});
});

describe('ready and start', () => {
	it('ready alone tells the others and starts nothing', () => {
		const { state, effects } = run(initialRoom(roomOf(ana)), [{ type: 'setReady', ready: true }]);
		expect(state.myReady).toBe(true);
		expect(effects).toEqual([{ type: 'send', message: { type: 'ready', ready: true } }]);
		expect(state.shared).toBeUndefined();
	});

	it('the lower-id participant, ready last, sends the start and its recorder follows', () => {
		const { state, effects } = run(
			initialRoom(roomOf(ana)),
			[{ type: 'received', from: 'cg_c_b', message: { type: 'ready', ready: true } }],
			[{ type: 'setReady', ready: true }, 42_000]
		);
		const started = {
			id: 'id-2',
			state: 'recording',
			startedAtServerMs: 42_000,
			pausedMs: 0,
			changedAtServerMs: 42_000
		};
		expect(effects).toEqual([
			{ type: 'send', message: { type: 'ready', ready: true } },
			{ type: 'send', message: { type: 'start', recordingId: 'id-2', atServerMs: 42_000 } },
			{ type: 'follow', shared: started }
		]);
		expect(state.shared).toEqual(started);
		expect(state.members.cg_c_b?.ready).toBe(true);
	});

	it('the lower-id participant, ready first, starts when the partner’s ready arrives', () => {
		const { effects } = run(
			initialRoom(roomOf(ana)),
			[{ type: 'setReady', ready: true }],
			[{ type: 'received', from: 'cg_c_b', message: { type: 'ready', ready: true } }, 7_000]
		);
		expect(sent(effects)).toEqual([
			{ type: 'ready', ready: true },
			{ type: 'start', recordingId: 'id-2', atServerMs: 7_000 }
		]);
	});

	it('a partner’s hello saying ready counts too', () => {
		const { state } = run(
			initialRoom(roomOf(ana)),
			[{ type: 'setReady', ready: true }],
			[{ type: 'received', from: 'cg_c_b', message: hello({ ready: true }) }]
		);
		expect(state.shared?.state).toBe('recording');
	});

	it('the higher-id participant never sends the start; it waits for the other’s', () => {
		const { state, effects } = run(
			initialRoom(roomOf(ben)),
			[{ type: 'received', from: 'cg_c_a', message: { type: 'ready', ready: true } }],
			[{ type: 'setReady', ready: true }]
		);
		expect(sent(effects)).toEqual([{ type: 'ready', ready: true }]);
		expect(state.shared).toBeUndefined();
	});

	it('ready taken back is told, and a partner’s "not ready" is noted', () => {
		const { state, effects } = run(
			initialRoom(roomOf(ana)),
			[{ type: 'setReady', ready: true }],
			[{ type: 'setReady', ready: false }],
			[{ type: 'received', from: 'cg_c_b', message: { type: 'ready', ready: true } }],
			[{ type: 'received', from: 'cg_c_b', message: { type: 'ready', ready: false } }]
		);
		expect(sent(effects)).toEqual([
			{ type: 'ready', ready: true },
			{ type: 'ready', ready: false }
		]);
		expect(state.myReady).toBe(false);
		expect(state.members.cg_c_b?.ready).toBe(false);
	});

	it('nobody starts a second recording while one is going', () => {
		const { effects } = run(
			anaRecording(),
			[{ type: 'received', from: 'cg_c_b', message: { type: 'ready', ready: true } }],
			[{ type: 'setReady', ready: true }]
		);
		expect(sent(effects).filter((m) => m.type === 'start')).toEqual([]);
	});

	it('a facilitator follows the start but has no recorder to drive', () => {
		const { state, effects } = run(initialRoom(roomOf(fay)), [
			{ type: 'received', from: 'cg_c_a', message: { type: 'start', recordingId: 'r', atServerMs: 3_000 } },
			5_000
		]);
		expect(state.shared).toMatchObject({ id: 'r', state: 'recording' });
		expect(state.elapsedMs).toBe(2_000);
		expect(effects).toEqual([]);
	});
});

describe('pause, resume and stop', () => {
	it('pause is sent and followed here; the timer freezes', () => {
		const { state, effects } = run(anaRecording(), [{ type: 'pause' }, 11_000]);
		expect(sent(effects)).toEqual([{ type: 'pause', recordingId: 'rec-1', atServerMs: 11_000 }]);
		expect(ofType(effects, 'follow')).toEqual([{ type: 'follow', shared: state.shared }]);
		expect(state.shared).toMatchObject({ state: 'paused', pausedAtServerMs: 11_000 });
		expect(state.elapsedMs).toBe(10_000);
	});

	it('resume counts the pause out of the timer', () => {
		const { state, effects } = run(anaRecording(), [{ type: 'pause' }, 11_000], [{ type: 'resume' }, 14_000]);
		expect(sent(effects).map((m) => m.type)).toEqual(['pause', 'resume']);
		expect(state.shared).toMatchObject({ state: 'recording', pausedMs: 3_000 });
		expect(state.elapsedMs).toBe(10_000);
	});

	it('pause when not recording and resume when not paused do nothing', () => {
		expect(run(initialRoom(roomOf(ana)), [{ type: 'pause' }]).effects).toEqual([]);
		expect(run(anaRecording(), [{ type: 'resume' }]).effects).toEqual([]);
		const paused = run(anaRecording(), [{ type: 'pause' }]).state;
		expect(run(paused, [{ type: 'pause' }]).effects).toEqual([]);
	});

	it('stop ends the recording, takes "ready" back, and tells the server the length, rounded', () => {
		const ready = run(initialRoom(roomOf(ana)), [
			{ type: 'received', from: 'cg_c_b', message: { type: 'ready', ready: true } }
		]).state;
		const { state, effects } = run(
			ready,
			[{ type: 'setReady', ready: true }, 1_000],
			[{ type: 'stop' }, 61_000.6]
		);
		expect(state.shared).toMatchObject({ state: 'stopped', changedAtServerMs: 61_000.6 });
		expect(state.myReady).toBe(false);
		expect(state.elapsedMs).toBeCloseTo(60_000.6);
		expect(sent(effects).at(-1)).toEqual({ type: 'stop', recordingId: 'id-1', atServerMs: 61_000.6 });
		expect(ofType(effects, 'reportRecorded')).toEqual([{ type: 'reportRecorded', durationMs: 60_001 }]);
		expect(effects.at(-1)).toEqual({ type: 'follow', shared: state.shared });
	});

	it('a partner’s stop ends it here too, reported once even if the stop comes again', () => {
		const stop = { type: 'stop', recordingId: 'rec-1', atServerMs: 31_000 } as const;
		const { state, effects } = run(
			anaRecording(),
			[{ type: 'received', from: 'cg_c_b', message: stop }],
			[{ type: 'received', from: 'cg_c_b', message: stop }]
		);
		expect(state.shared?.state).toBe('stopped');
		expect(sent(effects)).toEqual([]);
		expect(ofType(effects, 'reportRecorded')).toEqual([{ type: 'reportRecorded', durationMs: 30_000 }]);
	});

	it('a recording shorter than a second, or stopped on a facilitator’s device, is not reported', () => {
		const short = run(anaRecording(), [{ type: 'stop' }, 1_500]);
		expect(short.state.shared?.state).toBe('stopped');
		expect(ofType(short.effects, 'reportRecorded')).toEqual([]);
		const watching = run(
			initialRoom(roomOf(fay)),
			[{ type: 'received', from: 'cg_c_a', message: { type: 'start', recordingId: 'r', atServerMs: 0 } }],
			[{ type: 'stop' }, 60_000]
		);
		expect(watching.state.shared?.state).toBe('stopped');
		expect(sent(watching.effects)).toEqual([{ type: 'stop', recordingId: 'r', atServerMs: 60_000 }]);
		expect(ofType(watching.effects, 'reportRecorded')).toEqual([]);
	});

	it('stop with no shared state known stops this device’s own track; with neither, nothing', () => {
		const { effects } = run(initialRoom(roomOf(ana)), [{ type: 'stop', trackRecordingId: 'own' }, 9_000]);
		expect(effects).toEqual([
			{ type: 'send', message: { type: 'stop', recordingId: 'own', atServerMs: 9_000 } },
			{ type: 'follow', shared: undefined }
		]);
		expect(run(initialRoom(roomOf(ana)), [{ type: 'stop' }]).effects).toEqual([]);
	});

	it('commands for another recording change nothing, but the recorder is told again', () => {
		const before = anaRecording();
		const { state, effects } = run(before, [
			{ type: 'received', from: 'cg_c_b', message: { type: 'pause', recordingId: 'old', atServerMs: 5_000 } }
		]);
		expect(state.shared).toBe(before.shared);
		expect(effects).toEqual([{ type: 'follow', shared: before.shared }]);
	});

	it('a new recording after a stop starts with its notices not given yet', () => {
		let state = anaRecording();
		state = run(state, [{ type: 'tick', health: { state: 'ok', behindMs: 0 } }, 1_000 + 40 * 60_000]).state;
		expect(state.given).toEqual(['time_is_up']);
		state = run(state, [{ type: 'stop' }, 1_000 + 41 * 60_000]).state;
		state = run(state, [
			{ type: 'received', from: 'cg_c_b', message: { type: 'start', recordingId: 'rec-2', atServerMs: 3e6 } }
		]).state;
		expect(state.shared?.id).toBe('rec-2');
		expect(state.given).toEqual([]);
	});
});

describe('recovery after a crash', () => {
	it('a continued track is the recording here, known as of no time, and the others are told', () => {
		const { state, effects } = run(initialRoom(roomOf(ana)), [
			{ type: 'recovered', track: { recordingId: 'rec-1', startedAtServerMs: 1_000 } },
			31_000
		]);
		const continued = recording({ changedAtServerMs: 0 });
		expect(state.shared).toEqual(continued);
		expect(state.elapsedMs).toBe(30_000);
		expect(effects).toEqual([
			{ type: 'follow', shared: continued },
			{ type: 'send', message: { ...helloOf(state), recording: continued } }
		]);
	});

	it('what the partner did while this device was gone wins', () => {
		const { state } = run(
			initialRoom(roomOf(ana)),
			[{ type: 'recovered', track: { recordingId: 'rec-1', startedAtServerMs: 1_000 } }],
			[
				{
					type: 'received',
					from: 'cg_c_b',
					message: hello({
						recording: recording({ state: 'paused', pausedAtServerMs: 20_000, changedAtServerMs: 20_000 })
					})
				}
			]
		);
		expect(state.shared).toMatchObject({ state: 'paused', changedAtServerMs: 20_000 });
	});

	it('when the shared recording is already known, or no track was found, it only says hello', () => {
		const known = anaRecording();
		const again = run(known, [{ type: 'recovered', track: { recordingId: 'rec-x', startedAtServerMs: 0 } }]);
		expect(again.state.shared).toBe(known.shared);
		expect(again.effects).toEqual([{ type: 'send', message: helloOf(known) }]);
		const none = run(initialRoom(roomOf(ana)), [{ type: 'recovered' }]);
		expect(none.state.shared).toBeUndefined();
		expect(none.effects.map((e) => e.type)).toEqual(['send']);
	});
});
