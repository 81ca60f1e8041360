import { describe, expect, it } from 'vitest';
import {
	ana,
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

// What the room does with the other people in it: hello, links, the timer's notices, prompts and marks.
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
