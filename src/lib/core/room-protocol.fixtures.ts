/** The room protocol's test fixtures: three members, a runner that freezes each state, and message builders. */
import type { CallMessage, RoomInfo, RoomMember } from '../contracts/call';
import { initialRoom, stepRoom, type RoomEffect, type RoomInput, type RoomProtocol } from './room-protocol';
import type { SharedRecording } from './shared-recording';

export const ana: RoomMember = { userId: 'u-ana', firstName: 'Ana', role: 'participant', peerId: 'cg_c_a' };
export const ben: RoomMember = { userId: 'u-ben', firstName: 'Ben', role: 'participant', peerId: 'cg_c_b' };
export const fay: RoomMember = { userId: 'u-fay', firstName: 'Fay', role: 'facilitator', peerId: 'cg_c_0' };
export const roomOf = (me: RoomMember): RoomInfo => ({
	conversationId: 'c1',
	me,
	members: [ana, ben, fay],
	targetMinutes: 40,
	iceServers: []
});

/** Freezes the state deeply, so a step that changed its input in place throws. */
export function frozen<T>(value: T): T {
	if (value && typeof value === 'object') {
		for (const inner of Object.values(value)) frozen(inner);
		Object.freeze(value);
	}
	return value;
}

/** Runs inputs in order, each at its own server time; returns the last state and every effect. */
export function run(state: RoomProtocol, ...steps: [RoomInput, number?][]) {
	const effects: RoomEffect[] = [];
	let n = 0;
	for (const [input, at = 10_000] of steps) {
		const next = stepRoom(frozen(state), input, { nowServerMs: at, freshId: `id-${++n}` });
		state = next.state;
		effects.push(...next.effects);
	}
	return { state, effects };
}
export const sent = (effects: RoomEffect[]) =>
	effects.flatMap((e) => (e.type === 'send' ? [e.message] : ([] as CallMessage[])));
export const ofType = <T extends RoomEffect['type']>(effects: RoomEffect[], type: T) =>
	effects.filter((e): e is Extract<RoomEffect, { type: T }> => e.type === type);

export const recording = (over: Partial<SharedRecording> = {}): SharedRecording => ({
	id: 'rec-1',
	state: 'recording',
	startedAtServerMs: 1_000,
	pausedMs: 0,
	changedAtServerMs: 1_000,
	...over
});
/** Ana's room with the recording already going, as Ben started it. */
export const anaRecording = () =>
	run(initialRoom(roomOf(ana)), [
		{ type: 'received', from: 'cg_c_b', message: { type: 'start', recordingId: 'rec-1', atServerMs: 1_000 } },
		1_000
	]).state;
export const hello = (over: Partial<Extract<CallMessage, { type: 'hello' }>> = {}): CallMessage => ({
	type: 'hello',
	ready: false,
	recording: null,
	...over
});
