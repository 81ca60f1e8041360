import type { CallMessage, RoomInfo } from '../contracts/call';
import { dueNotices, type TimerNotice } from './conversation-timer';
import { shouldSendStart } from './recording-start';
import type { RecorderHealth } from './recorder-health';
import { applyCommand, elapsedAt, mergeShared, type SharedRecording } from './shared-recording';

/**
 * The room's recording protocol (issue #5, "Start", "Pause and stop"; issue #15; issue #16): what
 * each thing that happens in the room (a message on the data channel, a link going up or down, a
 * click, the timer) does to the room's state, as a pure step `(state, input, env) → {state, effects}`.
 * Effects are data: the room (state/room.svelte.ts) sends the messages, drives the recorder and
 * writes the index. Nothing here reads a clock or makes an id; `env` brings both.
 */

export type LinkState = 'waiting' | 'connecting' | 'connected' | 'reconnecting';
export type PromptCheck = { asked: boolean; atServerMs: number };
/** What a device tells of its recorder in its hello (issue #15). */
export type RecorderReport = Pick<RecorderHealth, 'state' | 'behindMs'>;

/** Another member, as far as the protocol knows them. */
export type MemberProtocol = {
	link: LinkState;
	ready: boolean;
	/** How their device's recording is doing, as they last told; only while the link is up. */
	recorder?: RecorderReport;
};

export type RoomProtocol = {
	readonly myPeerId: string;
	/** This device records (a participant's); a facilitator's only listens. */
	readonly participant: boolean;
	readonly participantPeerIds: readonly string[];
	readonly targetMinutes: number;
	/** Every other member, by peer id. */
	members: Readonly<Record<string, MemberProtocol>>;
	myReady: boolean;
	shared: SharedRecording | undefined;
	/** The timer, recorded time without pauses. */
	elapsedMs: number;
	/** The last timer notice given, shown until the next one. */
	notice: TimerNotice | undefined;
	/** The notices given for this recording. */
	given: readonly TimerNotice[];
	marks: readonly { id: string; atElapsedMs: number }[];
	/** This device's recorder health as last checked, and the state the others were last told. */
	health: RecorderReport;
	toldHealth: RecorderReport['state'];
	/** The prompt check-offs already written into this track's index (or there before it). */
	noted: Readonly<Record<string, PromptCheck>>;
};

export type RoomInput =
	// This person, on the page.
	| { type: 'setReady'; ready: boolean }
	| { type: 'pause' }
	| { type: 'resume' }
	/** `trackRecordingId`: this device's own track, stopped even when no shared state is known. */
	| { type: 'stop'; trackRecordingId?: string }
	/** `overChannel`: the prompts are in no shared document, so the check-off goes over the data channel. */
	| { type: 'setAsked'; promptId: string; asked: boolean; overChannel: boolean }
	| { type: 'mark' }
	/** A recording found after a crash was continued here; `track` is its track, if any. */
	| { type: 'recovered'; track?: { recordingId: string; startedAtServerMs: number } }
	// The call.
	| { type: 'received'; from: string; message: CallMessage }
	| { type: 'link'; peerId: string; link: LinkState }
	| { type: 'channelOpen'; peerId: string }
	// Timers and the prompt source.
	| { type: 'tick'; health: RecorderReport }
	| { type: 'helloDue' }
	| {
			type: 'checks';
			checks: Readonly<Record<string, PromptCheck>>;
			prompts: readonly { id: string; text: string }[];
	  };

export type RoomEffect =
	/** To everyone whose data channel is open. */
	| { type: 'send'; message: CallMessage }
	/** This device's recorder follows the shared recording (participants only). */
	| { type: 'follow'; shared: SharedRecording | undefined }
	/** Tell the server the conversation is recorded (issue #14). */
	| { type: 'reportRecorded'; durationMs: number }
	/** Into the prompt source. */
	| { type: 'setAsked'; promptId: string; check: PromptCheck }
	| { type: 'markPrompt'; markId: string; atServerMs: number }
	/** Into this track's time-coded index, at the sample being recorded. */
	| { type: 'noteMark'; markId: string; atServerMs: number }
	| { type: 'noteQuestion'; promptId: string; text: string; asked: boolean; atServerMs: number };

/** What a step may use from outside: the server-synced time now, and an id to give anything it creates. */
export type RoomEnv = { nowServerMs: number; freshId: string };

export type RoomStep = { state: RoomProtocol; effects: RoomEffect[] };

/** A member of `info` joining, before any link is up. */
export function initialRoom(
	info: RoomInfo,
	checks: Readonly<Record<string, PromptCheck>> = {}
): RoomProtocol {
	const members: Record<string, MemberProtocol> = {};
	for (const m of info.members)
		if (m.peerId !== info.me.peerId) members[m.peerId] = { link: 'waiting', ready: false };
	return {
		myPeerId: info.me.peerId,
		participant: info.me.role === 'participant',
		participantPeerIds: info.members.filter((m) => m.role === 'participant').map((m) => m.peerId),
		targetMinutes: info.targetMinutes,
		members,
		myReady: false,
		shared: undefined,
		elapsedMs: 0,
		notice: undefined,
		given: [],
		marks: [],
		health: { state: 'ok', behindMs: 0 },
		toldHealth: 'ok',
		noted: { ...checks }
	};
}

/** What this device tells the others on every (re)connection and every few seconds. */
export function helloOf(state: RoomProtocol): CallMessage {
	const s = state.shared;
	return {
		type: 'hello',
		ready: state.myReady,
		recording: s
			? {
					id: s.id,
					state: s.state,
					startedAtServerMs: s.startedAtServerMs,
					pausedMs: s.pausedMs,
					...(s.pausedAtServerMs === undefined ? {} : { pausedAtServerMs: s.pausedAtServerMs }),
					changedAtServerMs: s.changedAtServerMs
				}
			: null,
		...(state.participant ? { recorder: { state: state.health.state, behindMs: state.health.behindMs } } : {})
	};
}

type Command = Exclude<CallMessage, { type: 'hello' | 'ready' }>;

/** The room after `input`, and what the room must do for it, in order. */
export function stepRoom(state: RoomProtocol, input: RoomInput, env: RoomEnv): RoomStep {
	const step = new Step(state, env);
	step.run(input);
	return { state: step.s, effects: step.effects };
}

class Step {
	s: RoomProtocol;
	readonly effects: RoomEffect[] = [];
	readonly #env: RoomEnv;

	constructor(state: RoomProtocol, env: RoomEnv) {
		this.s = { ...state };
		this.#env = env;
	}

	run(input: RoomInput) {
		const now = this.#env.nowServerMs;
		switch (input.type) {
			case 'setReady':
				this.s.myReady = input.ready;
				this.#send({ type: 'ready', ready: input.ready });
				this.#maybeStart();
				return;
			case 'pause':
				if (this.s.shared?.state === 'recording') this.#command('pause', this.s.shared.id);
				return;
			case 'resume':
				if (this.s.shared?.state === 'paused') this.#command('resume', this.s.shared.id);
				return;
			case 'stop': {
				// Either partner stops; the recording ends on every device (issue #5, "Pause and stop").
				const id = this.s.shared?.id ?? input.trackRecordingId;
				if (id) this.#command('stop', id);
				return;
			}
			case 'setAsked': {
				const msg = {
					type: 'prompt',
					promptId: input.promptId,
					asked: input.asked,
					atServerMs: now
				} as const;
				if (input.overChannel) this.#send(msg);
				this.#apply(msg);
				return;
			}
			case 'mark': {
				const msg = { type: 'mark', markId: this.#env.freshId, atServerMs: now } as const;
				this.#send(msg);
				this.#apply(msg);
				return;
			}
			case 'recovered':
				// What happened while this device was gone, it doesn't know (changed at 0): the others' state wins.
				if (input.track && !this.s.shared)
					this.#setShared({
						id: input.track.recordingId,
						state: 'recording',
						startedAtServerMs: input.track.startedAtServerMs,
						pausedMs: 0,
						changedAtServerMs: 0
					});
				this.#send(helloOf(this.s));
				return;
			case 'received':
				this.#receive(input.from, input.message);
				return;
			case 'link':
				// What a member said of their recorder holds only while we hear from them.
				this.#patch(
					input.peerId,
					input.link === 'connected' ? { link: input.link } : { link: input.link, recorder: undefined }
				);
				return;
			case 'channelOpen':
			case 'helloDue':
				this.#send(helloOf(this.s));
				return;
			case 'tick':
				this.#tick(input.health);
				return;
			case 'checks':
				this.#noteCheckOffs(input.checks, input.prompts);
				return;
		}
	}

	#send(message: CallMessage) {
		this.effects.push({ type: 'send', message });
	}

	#patch(peerId: string, change: Partial<MemberProtocol>) {
		const member = this.s.members[peerId];
		if (member) this.s.members = { ...this.s.members, [peerId]: { ...member, ...change } };
	}

	#receive(from: string, message: CallMessage) {
		if (message.type === 'hello') {
			this.#patch(from, { ready: message.ready, recorder: message.recorder });
			// Joined or came back while apart: the later change wins on both sides.
			this.#setShared(mergeShared(this.s.shared, message.recording));
			this.#maybeStart();
		} else if (message.type === 'ready') {
			this.#patch(from, { ready: message.ready });
			this.#maybeStart();
		} else {
			this.#apply(message);
		}
	}

	/**
	 * Gives a recording command here and to everyone connected. Someone not connected right now
	 * learns of it from the next hello, where the later change wins (core/shared-recording).
	 */
	#command(type: 'pause' | 'resume' | 'stop', recordingId: string) {
		const msg = { type, recordingId, atServerMs: this.#env.nowServerMs } as const;
		this.#send(msg);
		this.#apply(msg);
	}

	/** Exactly one ready participant sends the start, once all are ready (core/recording-start). */
	#maybeStart() {
		const ready = Object.entries(this.s.members)
			.filter(([, m]) => m.ready)
			.map(([peerId]) => peerId);
		if (this.s.myReady) ready.push(this.s.myPeerId);
		if (
			!shouldSendStart({
				myPeerId: this.s.myPeerId,
				participantPeerIds: this.s.participantPeerIds,
				ready,
				recording: this.s.shared !== undefined && this.s.shared.state !== 'stopped'
			})
		)
			return;
		const msg = { type: 'start', recordingId: this.#env.freshId, atServerMs: this.#env.nowServerMs } as const;
		this.#send(msg);
		this.#apply(msg);
	}

	/** The shared recording changed (or not): the page and this device's recorder follow it. */
	#setShared(next: SharedRecording | undefined) {
		const now = this.#env.nowServerMs;
		const before = this.s.shared;
		if (next !== before) {
			if (next?.id !== before?.id) this.s.given = [];
			if (next?.state === 'stopped') this.s.myReady = false;
			if (next?.state === 'stopped' && before?.state !== 'stopped' && this.s.participant) {
				// Best effort: if it can't get through, the server marks it once both share tracks are confirmed.
				const durationMs = elapsedAt(next, now);
				if (durationMs >= 1000)
					this.effects.push({ type: 'reportRecorded', durationMs: Math.round(durationMs) });
			}
			this.s.shared = next;
			this.s.elapsedMs = elapsedAt(next, now);
		}
		if (this.s.participant) this.effects.push({ type: 'follow', shared: next });
	}

	/** Applies a command, whether it came from this device or over the data channel. */
	#apply(message: Command) {
		switch (message.type) {
			case 'start':
			case 'pause':
			case 'resume':
			case 'stop':
				this.#setShared(applyCommand(this.s.shared, message));
				return;
			case 'prompt':
				this.effects.push({
					type: 'setAsked',
					promptId: message.promptId,
					check: { asked: message.asked, atServerMs: message.atServerMs }
				});
				return;
			case 'mark':
				this.effects.push({ type: 'markPrompt', markId: message.markId, atServerMs: message.atServerMs });
				this.s.marks = [
					...this.s.marks,
					{ id: message.markId, atElapsedMs: elapsedAt(this.s.shared, message.atServerMs) }
				];
				this.effects.push({ type: 'noteMark', markId: message.markId, atServerMs: message.atServerMs });
				return;
		}
	}

	#tick(health: RecorderReport) {
		this.s.health = { state: health.state, behindMs: health.behindMs };
		// Trouble, and its end, reach the others at once, not at the next regular hello.
		if (health.state !== this.s.toldHealth) {
			this.s.toldHealth = health.state;
			this.#send(helloOf(this.s));
		}
		const shared = this.s.shared;
		if (!shared || shared.state === 'stopped') return;
		this.s.elapsedMs = elapsedAt(shared, this.#env.nowServerMs);
		const due = dueNotices({
			elapsedMs: this.s.elapsedMs,
			targetMinutes: this.s.targetMinutes,
			given: new Set(this.s.given)
		});
		for (const notice of due) {
			this.s.given = [...this.s.given, notice];
			this.s.notice = notice;
		}
	}

	/**
	 * Writes each check-off that changed, here or on another device, into this track's time-coded
	 * index, with the time it was made. Check-offs older than the recording (an earlier session's, or
	 * ones the document brings back on load) are not part of it.
	 */
	#noteCheckOffs(
		checks: Readonly<Record<string, PromptCheck>>,
		prompts: readonly { id: string; text: string }[]
	) {
		const started = this.s.shared?.startedAtServerMs ?? Infinity;
		for (const [promptId, check] of Object.entries(checks)) {
			const before = this.s.noted[promptId];
			if (before?.asked === check.asked && before.atServerMs === check.atServerMs) continue;
			if (check.atServerMs < started) continue;
			this.effects.push({
				type: 'noteQuestion',
				promptId,
				text: prompts.find((p) => p.id === promptId)?.text ?? '',
				asked: check.asked,
				atServerMs: check.atServerMs
			});
		}
		this.s.noted = { ...checks };
	}
}
