import { describe, expect, it } from 'vitest';
import type { CallMessage, RoomInfo, RoomMember } from '../contracts/call';
import {
	helloOf,
	initialRoom,
	stepRoom,
	type RoomEffect,
	type RoomInput,
	type RoomProtocol
} from './room-protocol';
import type { SharedRecording } from './shared-recording';

const ana: RoomMember = { userId: 'u-ana', firstName: 'Ana', role: 'participant', peerId: 'cg_c_a' };
const ben: RoomMember = { userId: 'u-ben', firstName: 'Ben', role: 'participant', peerId: 'cg_c_b' };
const fay: RoomMember = { userId: 'u-fay', firstName: 'Fay', role: 'facilitator', peerId: 'cg_c_0' };
const roomOf = (me: RoomMember): RoomInfo => ({
	conversationId: 'c1',
	me,
	members: [ana, ben, fay],
	targetMinutes: 40,
	iceServers: []
});

/** Freezes the state deeply, so a step that changed its input in place throws. */
function frozen<T>(value: T): T {
	if (value && typeof value === 'object') {
		for (const inner of Object.values(value)) frozen(inner);
		Object.freeze(value);
	}
	return value;
}

/** Runs inputs in order, each at its own server time; returns the last state and every effect. */
function run(state: RoomProtocol, ...steps: [RoomInput, number?][]) {
	const effects: RoomEffect[] = [];
	let n = 0;
	for (const [input, at = 10_000] of steps) {
		const next = stepRoom(frozen(state), input, { nowServerMs: at, freshId: `id-${++n}` });
		state = next.state;
		effects.push(...next.effects);
	}
	return { state, effects };
}
const sent = (effects: RoomEffect[]) =>
	effects.flatMap((e) => (e.type === 'send' ? [e.message] : ([] as CallMessage[])));
const ofType = <T extends RoomEffect['type']>(effects: RoomEffect[], type: T) =>
	effects.filter((e): e is Extract<RoomEffect, { type: T }> => e.type === type);

const recording = (over: Partial<SharedRecording> = {}): SharedRecording => ({
	id: 'rec-1',
	state: 'recording',
	startedAtServerMs: 1_000,
	pausedMs: 0,
	changedAtServerMs: 1_000,
	...over
});
/** Ana's room with the recording already going, as Ben started it. */
const anaRecording = () =>
	run(initialRoom(roomOf(ana)), [
		{ type: 'received', from: 'cg_c_b', message: { type: 'start', recordingId: 'rec-1', atServerMs: 1_000 } },
		1_000
	]).state;
const hello = (over: Partial<Extract<CallMessage, { type: 'hello' }>> = {}): CallMessage => ({
	type: 'hello',
	ready: false,
	recording: null,
	...over
});

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

describe('hello: joining, coming back, and keeping in step', () => {
	it('channelOpen and the regular hello tell where the recording is and how the recorder is doing', () => {
		const paused = run(
			anaRecording(),
			[{ type: 'pause' }, 11_000],
			[{ type: 'tick', health: { state: 'behind', behindMs: 4_200 } }, 11_100]
		).state;
		const expected = {
			type: 'hello',
			ready: false,
			recording: {
				id: 'rec-1',
				state: 'paused',
				startedAtServerMs: 1_000,
				pausedMs: 0,
				pausedAtServerMs: 11_000,
				changedAtServerMs: 11_000
			},
			recorder: { state: 'behind', behindMs: 4_200 }
		};
		expect(run(paused, [{ type: 'channelOpen', peerId: 'cg_c_b' }]).effects).toEqual([
			{ type: 'send', message: expected }
		]);
		expect(run(paused, [{ type: 'helloDue' }]).effects).toEqual([{ type: 'send', message: expected }]);
	});

	it('before any recording the hello carries none; a facilitator’s tells no recorder', () => {
		expect(helloOf(initialRoom(roomOf(ana)))).toEqual({
			type: 'hello',
			ready: false,
			recording: null,
			recorder: { state: 'ok', behindMs: 0 }
		});
		expect(helloOf(initialRoom(roomOf(fay)))).toEqual({ type: 'hello', ready: false, recording: null });
		// Recording (not paused): no pausedAtServerMs at all.
		const message = helloOf(anaRecording());
		expect(message.type === 'hello' && message.recording).toEqual(recording());
	});

	it('a partner’s hello brings their ready, their recorder, and a recording going on', () => {
		const { state, effects } = run(initialRoom(roomOf(ana)), [
			{
				type: 'received',
				from: 'cg_c_b',
				message: hello({
					ready: true,
					recording: recording(),
					recorder: { state: 'behind', behindMs: 6_000 }
				})
			},
			4_000
		]);
		expect(state.members.cg_c_b).toEqual({
			link: 'waiting',
			ready: true,
			recorder: { state: 'behind', behindMs: 6_000 }
		});
		expect(state.shared).toEqual(recording());
		expect(state.elapsedMs).toBe(3_000);
		expect(effects).toEqual([{ type: 'follow', shared: recording() }]);
	});

	it('a hello without a recorder report forgets the last one', () => {
		const { state } = run(
			initialRoom(roomOf(ana)),
			[
				{
					type: 'received',
					from: 'cg_c_b',
					message: hello({ recorder: { state: 'behind', behindMs: 6_000 } })
				}
			],
			[{ type: 'received', from: 'cg_c_b', message: hello() }]
		);
		expect(state.members.cg_c_b?.recorder).toBeUndefined();
	});

	it('a recording that ended before this device came is not followed', () => {
		const { state } = run(initialRoom(roomOf(ana)), [
			{ type: 'received', from: 'cg_c_b', message: hello({ recording: recording({ state: 'stopped' }) }) }
		]);
		expect(state.shared).toBeUndefined();
	});

	it('a pause given while the channel was down wins once the partner’s hello arrives', () => {
		const { state, effects } = run(anaRecording(), [
			{
				type: 'received',
				from: 'cg_c_b',
				message: hello({
					recording: recording({ state: 'paused', pausedAtServerMs: 40_000, changedAtServerMs: 40_000 })
				})
			},
			45_000
		]);
		expect(state.shared).toMatchObject({ state: 'paused', pausedAtServerMs: 40_000 });
		expect(state.elapsedMs).toBe(39_000);
		expect(ofType(effects, 'follow')).toHaveLength(1);
	});

	it('an older state in a hello loses, and the recorder is told to stay where it is', () => {
		const mine = run(anaRecording(), [{ type: 'pause' }, 20_000]).state;
		const { state, effects } = run(mine, [
			{ type: 'received', from: 'cg_c_b', message: hello({ recording: recording() }) }
		]);
		expect(state.shared).toBe(mine.shared);
		expect(effects).toEqual([{ type: 'follow', shared: mine.shared }]);
	});

	it('a hello from someone not in the room changes no member', () => {
		const { state } = run(initialRoom(roomOf(ana)), [
			{ type: 'received', from: 'cg_c_z', message: hello({ ready: true }) }
		]);
		expect(Object.keys(state.members)).toEqual(['cg_c_b', 'cg_c_0']);
		expect(state.members.cg_c_b?.ready).toBe(false);
	});
});

describe('links', () => {
	it('a member’s link is followed; what they said of their recorder holds only while connected', () => {
		const told = run(
			initialRoom(roomOf(ana)),
			[{ type: 'link', peerId: 'cg_c_b', link: 'connecting' }],
			[{ type: 'link', peerId: 'cg_c_b', link: 'connected' }],
			[
				{
					type: 'received',
					from: 'cg_c_b',
					message: hello({ recorder: { state: 'behind', behindMs: 5_000 } })
				}
			]
		);
		expect(told.state.members.cg_c_b).toEqual({
			link: 'connected',
			ready: false,
			recorder: { state: 'behind', behindMs: 5_000 }
		});
		// Links themselves do nothing but change the member; the hello has the recorder follow (nothing).
		expect(told.effects).toEqual([{ type: 'follow', shared: undefined }]);
		const again = run(told.state, [{ type: 'link', peerId: 'cg_c_b', link: 'connected' }]);
		expect(again.state.members.cg_c_b?.recorder).toEqual({ state: 'behind', behindMs: 5_000 });
		const dropped = run(told.state, [{ type: 'link', peerId: 'cg_c_b', link: 'reconnecting' }]);
		expect(dropped.state.members.cg_c_b).toEqual({ link: 'reconnecting', ready: false, recorder: undefined });
	});

	it('a link of someone not in the room is ignored', () => {
		const before = initialRoom(roomOf(ana));
		expect(run(before, [{ type: 'link', peerId: 'cg_c_z', link: 'connected' }]).state.members).toEqual(
			before.members
		);
	});
});

describe('tick: the timer, its notices, and the recorder’s health', () => {
	it('moves the timer while recording, not while stopped', () => {
		const before = anaRecording();
		const ticking = run(before, [{ type: 'tick', health: { state: 'ok', behindMs: 0 } }, 26_000]);
		expect(ticking.state.elapsedMs).toBe(25_000);
		expect(ticking.effects).toEqual([]);
		// The members and the recording keep their objects, so the page re-renders neither on a tick.
		expect(ticking.state.members).toBe(before.members);
		expect(ticking.state.shared).toBe(before.shared);
		const stopped = run(ticking.state, [{ type: 'stop' }, 30_000]).state;
		expect(
			run(stopped, [{ type: 'tick', health: { state: 'ok', behindMs: 0 } }, 90_000]).state.elapsedMs
		).toBe(29_000);
	});

	it('gives "five minutes left" and then "time is up" once each', () => {
		const ok = { state: 'ok', behindMs: 0 } as const;
		const at = (minutes: number) => 1_000 + minutes * 60_000;
		let state = run(anaRecording(), [{ type: 'tick', health: ok }, at(34)]).state;
		expect(state.notice).toBeUndefined();
		state = run(state, [{ type: 'tick', health: ok }, at(35)]).state;
		expect(state).toMatchObject({ notice: 'five_minutes_left', given: ['five_minutes_left'] });
		state = run(state, [{ type: 'tick', health: ok }, at(36)]).state;
		expect(state.given).toEqual(['five_minutes_left']);
		state = run(state, [{ type: 'tick', health: ok }, at(40)]).state;
		expect(state).toMatchObject({ notice: 'time_is_up', given: ['five_minutes_left', 'time_is_up'] });
		state = run(state, [{ type: 'tick', health: ok }, at(50)]).state;
		expect(state.given).toEqual(['five_minutes_left', 'time_is_up']);
	});

	it('no timer before a recording, and no notices', () => {
		const { state } = run(initialRoom(roomOf(ana)), [
			{ type: 'tick', health: { state: 'ok', behindMs: 0 } },
			9e9
		]);
		expect(state).toMatchObject({ elapsedMs: 0, notice: undefined, given: [] });
	});

	it('trouble with the recorder, and its end, are told at once and only once each', () => {
		const { effects, state } = run(
			anaRecording(),
			[{ type: 'tick', health: { state: 'behind', behindMs: 3_500 } }],
			[{ type: 'tick', health: { state: 'behind', behindMs: 4_000 } }],
			[{ type: 'tick', health: { state: 'ok', behindMs: 0 } }],
			[{ type: 'tick', health: { state: 'ok', behindMs: 0 } }]
		);
		const hellos = sent(effects);
		expect(hellos).toHaveLength(2);
		expect(hellos[0]).toMatchObject({ type: 'hello', recorder: { state: 'behind', behindMs: 3_500 } });
		expect(hellos[1]).toMatchObject({ type: 'hello', recorder: { state: 'ok', behindMs: 0 } });
		expect(state).toMatchObject({ toldHealth: 'ok', health: { state: 'ok', behindMs: 0 } });
	});

	it('the regular hello carries the latest health read by the tick', () => {
		const { effects } = run(
			anaRecording(),
			[{ type: 'tick', health: { state: 'behind', behindMs: 3_500 } }],
			[{ type: 'tick', health: { state: 'behind', behindMs: 9_000 } }],
			[{ type: 'helloDue' }]
		);
		expect(sent(effects).at(-1)).toMatchObject({ recorder: { state: 'behind', behindMs: 9_000 } });
	});
});

describe('prompts and marks', () => {
	it('a check-off of the default prompts goes over the channel and into the prompt source', () => {
		const { effects } = run(initialRoom(roomOf(ana)), [
			{ type: 'setAsked', promptId: 'p1', asked: true, overChannel: true },
			8_000
		]);
		expect(effects).toEqual([
			{ type: 'send', message: { type: 'prompt', promptId: 'p1', asked: true, atServerMs: 8_000 } },
			{ type: 'setAsked', promptId: 'p1', check: { asked: true, atServerMs: 8_000 } }
		]);
	});

	it('a check-off of the agreed questions goes only into the shared document', () => {
		const { effects } = run(initialRoom(roomOf(ana)), [
			{ type: 'setAsked', promptId: 'q1', asked: false, overChannel: false },
			8_000
		]);
		expect(effects).toEqual([
			{ type: 'setAsked', promptId: 'q1', check: { asked: false, atServerMs: 8_000 } }
		]);
	});

	it('a partner’s check-off is taken into the prompt source', () => {
		const { effects } = run(initialRoom(roomOf(ana)), [
			{
				type: 'received',
				from: 'cg_c_b',
				message: { type: 'prompt', promptId: 'p2', asked: true, atServerMs: 3 }
			}
		]);
		expect(effects).toEqual([{ type: 'setAsked', promptId: 'p2', check: { asked: true, atServerMs: 3 } }]);
	});

	it('a mark is sent, kept at the timer’s time, and written to the prompts and the index', () => {
		const { state, effects } = run(anaRecording(), [{ type: 'mark' }, 21_000]);
		expect(effects).toEqual([
			{ type: 'send', message: { type: 'mark', markId: 'id-1', atServerMs: 21_000 } },
			{ type: 'markPrompt', markId: 'id-1', atServerMs: 21_000 },
			{ type: 'noteMark', markId: 'id-1', atServerMs: 21_000 }
		]);
		expect(state.marks).toEqual([{ id: 'id-1', atElapsedMs: 20_000 }]);
	});

	it('a partner’s mark is kept at its own time, not re-sent', () => {
		const { state, effects } = run(
			anaRecording(),
			[{ type: 'mark' }, 5_000],
			[
				{ type: 'received', from: 'cg_c_b', message: { type: 'mark', markId: 'm-b', atServerMs: 11_000 } },
				12_000
			]
		);
		expect(state.marks).toEqual([
			{ id: 'id-1', atElapsedMs: 4_000 },
			{ id: 'm-b', atElapsedMs: 10_000 }
		]);
		expect(sent(effects)).toHaveLength(1);
		expect(ofType(effects, 'noteMark').map((e) => e.markId)).toEqual(['id-1', 'm-b']);
	});

	it('writes into the index each check-off that changed since the recording began, once', () => {
		const prompts = [
			{ id: 'q1', text: 'What brought you here?' },
			{ id: 'q2', text: 'What do you hope for?' }
		];
		const state = { ...anaRecording(), noted: { q1: { asked: true, atServerMs: 500 } } };
		const checks = {
			q1: { asked: true, atServerMs: 500 }, // unchanged
			q2: { asked: true, atServerMs: 2_000 },
			gone: { asked: true, atServerMs: 3_000 } // no longer in the list
		};
		const first = run(state, [{ type: 'checks', checks, prompts }]);
		expect(first.effects).toEqual([
			{ type: 'noteQuestion', promptId: 'q2', text: 'What do you hope for?', asked: true, atServerMs: 2_000 },
			{ type: 'noteQuestion', promptId: 'gone', text: '', asked: true, atServerMs: 3_000 }
		]);
		expect(first.state.noted).toEqual(checks);
		expect(run(first.state, [{ type: 'checks', checks, prompts }]).effects).toEqual([]);
		const unchecked = { ...checks, q2: { asked: false, atServerMs: 4_000 } };
		expect(run(first.state, [{ type: 'checks', checks: unchecked, prompts }]).effects).toEqual([
			{ type: 'noteQuestion', promptId: 'q2', text: 'What do you hope for?', asked: false, atServerMs: 4_000 }
		]);
	});

	it('check-offs older than the recording, or with no recording, are not indexed but are remembered', () => {
		const old = { q1: { asked: true, atServerMs: 999 } };
		const during = run(anaRecording(), [{ type: 'checks', checks: old, prompts: [] }]);
		expect(during.effects).toEqual([]);
		expect(during.state.noted).toEqual(old);
		const before = run(initialRoom(roomOf(ana)), [
			{ type: 'checks', checks: { q1: { asked: true, atServerMs: 9e9 } }, prompts: [] }
		]);
		expect(before.effects).toEqual([]);
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
