import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type { CallMessage, RoomInfo, RoomMember } from '../contracts/call';
import { CallSession, type LinkState } from '../call/peer-call';
import { arrayPromptSource, type PromptCheck, type PromptSource } from '../call/prompts';
import { ServerClock } from '../call/server-clock';
import { dueNotices, type TimerNotice } from '../core/conversation-timer';
import { shouldSendStart } from '../core/recording-start';
import { LocalRecording } from './recording.svelte';
import type { LinkReading } from '../core/upload-pacing';

export type RoomTexts = {
	notice: (notice: TimerNotice) => string;
	saveFailed: string;
	/** The default prompts, shown only when no `source` is given. */
	prompts: { id: string; text: string }[];
};
type Member = RoomMember & {
	link: LinkState;
	ready: boolean;
	stream?: MediaStream;
	sendKbps?: number;
	receiveKbps?: number;
	hearing: boolean;
};
type Shared = {
	id: string;
	state: 'recording' | 'paused' | 'stopped';
	startedAtServerMs: number;
	pausedMs: number;
	pausedAt?: number;
};

const STATS_MS = 2_000;
const TICK_MS = 250;

/**
 * The room of one conversation (issue #5): the call, the ready/start/pause/stop protocol over the
 * data channel, the timer with its notices, prompts and marks. The page renders this and calls its
 * methods; the recording itself lives in LocalRecording.
 */
export class Room {
	readonly info: RoomInfo;
	readonly clock = new ServerClock();
	readonly recording: LocalRecording;
	readonly prompts: PromptSource;
	members = new SvelteMap<string, Member>();
	signaling = $state<'connecting' | 'online' | 'offline'>('connecting');
	inAnotherTab = $state(false);
	signedOut = $state(false);
	joined = $state(false);
	myReady = $state(false);
	shared = $state<Shared | undefined>();
	elapsedMs = $state(0);
	notice = $state<string | undefined>();
	checks = $state(0); // bumps when prompt check-offs change
	marks = $state<{ id: string; atElapsedMs: number }[]>([]);
	readonly #given = new SvelteSet<TimerNotice>();
	readonly #texts: RoomTexts;
	#call: CallSession | undefined;
	#timers: ReturnType<typeof setInterval>[] = [];
	// The previous getStats counters, for rates; nothing renders them, so they need not be reactive.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#lastTraffic = new Map<string, { sent: number; received: number; at: number }>();

	#noted: Record<string, PromptCheck>;

	constructor(info: RoomInfo, texts: RoomTexts, source?: PromptSource) {
		this.info = info;
		this.#texts = texts;
		this.prompts = source ?? arrayPromptSource(texts.prompts);
		this.#noted = { ...this.prompts.checks() };
		this.prompts.subscribe(() => {
			this.checks += 1;
			this.#noteCheckOffs();
		});
		this.recording = new LocalRecording({
			clock: this.clock,
			conversationId: info.conversationId,
			userId: info.me.userId,
			saveFailed: texts.saveFailed
		});
		for (const m of info.members) {
			if (m.peerId !== info.me.peerId)
				this.members.set(m.peerId, { ...m, link: 'waiting', ready: false, hearing: false });
		}
	}

	get isParticipant() {
		return this.info.me.role === 'participant';
	}

	/** Joins the call with `stream`; runs from the "join" click so the recorder's audio may start. */
	async join(stream: MediaStream) {
		if (this.isParticipant) await this.recording.prepare(stream);
		void this.clock.start();
		this.#call = new CallSession({ room: this.info, stream, events: this.#callEvents() });
		this.#call.join();
		this.joined = true;
		this.#timers.push(
			setInterval(() => this.#tick(), TICK_MS),
			setInterval(() => void this.#measure(), STATS_MS)
		);
		if (this.recording.continuing) await this.#continueRecovered();
	}

	/** "Continue" on a recording found after a crash: now if in the call, else as soon as joined. */
	async continueRecovered() {
		this.recording.continuing = true;
		if (this.joined) await this.#continueRecovered();
	}

	setReady(ready: boolean) {
		this.myReady = ready;
		this.#send({ type: 'ready', ready });
		this.#maybeStart();
	}

	pause() {
		if (this.shared?.state !== 'recording') return;
		const msg = { type: 'pause', recordingId: this.shared.id, atServerMs: this.clock.now() } as const;
		this.#send(msg);
		this.#apply(msg);
	}

	resume() {
		if (this.shared?.state !== 'paused') return;
		const msg = { type: 'resume', recordingId: this.shared.id, atServerMs: this.clock.now() } as const;
		this.#send(msg);
		this.#apply(msg);
	}

	/** Either partner stops; the recording ends on every device (issue #5, "Pause and stop"). */
	stop() {
		const id = this.shared?.id ?? this.recording.track?.recordingId;
		if (!id) return;
		const msg = { type: 'stop', recordingId: id, atServerMs: this.clock.now() } as const;
		this.#send(msg);
		this.#apply(msg);
	}

	/**
	 * Checks a prompt off. Agreed questions sync through the shared document (every device notes the
	 * change from there); the default prompts, which are in no document, go over the data channel.
	 */
	setAsked(promptId: string, asked: boolean) {
		const msg = { type: 'prompt', promptId, asked, atServerMs: this.clock.now() } as const;
		if (!this.prompts.fromDocument()) this.#send(msg);
		this.#apply(msg);
	}

	mark() {
		const msg = { type: 'mark', markId: crypto.randomUUID(), atServerMs: this.clock.now() } as const;
		this.#send(msg);
		this.#apply(msg);
	}

	async leave() {
		for (const timer of this.#timers) clearInterval(timer);
		this.#call?.leave();
		this.clock.stop();
		await this.recording.close();
	}

	#send(message: CallMessage) {
		this.#call?.send(message);
	}

	#hello(): CallMessage {
		const s = this.shared;
		const recording = s && {
			id: s.id,
			state: s.state,
			startedAtServerMs: s.startedAtServerMs,
			pausedMs: s.pausedMs
		};
		return { type: 'hello', ready: this.myReady, recording: recording ?? null };
	}

	#callEvents() {
		return {
			link: (peerId: string, link: LinkState) => this.#patch(peerId, { link }),
			stream: (peerId: string, stream: MediaStream) => this.#patch(peerId, { stream }),
			channelOpen: () => this.#send(this.#hello()),
			message: (peerId: string, message: CallMessage) => this.#receive(peerId, message),
			signaling: (state: 'connecting' | 'online' | 'offline') => (this.signaling = state),
			inAnotherTab: () => (this.inAnotherTab = true),
			signedOut: () => (this.signedOut = true)
		};
	}

	#patch(peerId: string, change: Partial<Member>) {
		const member = this.members.get(peerId);
		if (member) this.members.set(peerId, { ...member, ...change });
	}

	#receive(peerId: string, message: CallMessage) {
		if (message.type === 'hello') {
			this.#patch(peerId, { ready: message.ready });
			// Joined (or came back) while the others are recording: follow their recording and timer.
			const r = message.recording;
			// They stopped while we were apart: the stop holds here too.
			if (r?.state === 'stopped' && this.shared?.id === r.id && this.shared.state !== 'stopped') {
				this.#apply({ type: 'stop', recordingId: r.id, atServerMs: this.clock.now() });
			} else if (r && r.state !== 'stopped' && (!this.shared || this.shared.id === r.id)) {
				const state = r.state === 'paused' ? 'paused' : 'recording';
				this.shared = { id: r.id, state, startedAtServerMs: r.startedAtServerMs, pausedMs: r.pausedMs };
			}
			this.#maybeStart();
		} else if (message.type === 'ready') {
			this.#patch(peerId, { ready: message.ready });
			this.#maybeStart();
		} else {
			this.#apply(message);
		}
	}

	#maybeStart() {
		const participants = this.info.members.filter((m) => m.role === 'participant').map((m) => m.peerId);
		const ready = [...this.members.values()].filter((m) => m.ready).map((m) => m.peerId);
		if (this.myReady) ready.push(this.info.me.peerId);
		if (
			!shouldSendStart({
				myPeerId: this.info.me.peerId,
				participantPeerIds: participants,
				ready,
				recording: this.shared !== undefined && this.shared.state !== 'stopped'
			})
		)
			return;
		const msg = { type: 'start', recordingId: crypto.randomUUID(), atServerMs: this.clock.now() } as const;
		this.#send(msg);
		this.#apply(msg);
	}

	/** Applies a command, whether it came from this device or over the data channel. */
	#apply(message: Exclude<CallMessage, { type: 'hello' | 'ready' }>) {
		const shared = this.shared;
		switch (message.type) {
			case 'start':
				if (shared && shared.state !== 'stopped') return;
				this.shared = {
					id: message.recordingId,
					state: 'recording',
					startedAtServerMs: message.atServerMs,
					pausedMs: 0
				};
				this.#given.clear();
				if (this.isParticipant) void this.recording.start(message.recordingId, message.atServerMs);
				return;
			case 'pause':
				if (shared?.id !== message.recordingId || shared.state !== 'recording') return;
				this.shared = { ...shared, state: 'paused', pausedAt: message.atServerMs };
				this.recording.pause();
				return;
			case 'resume':
				if (shared?.id !== message.recordingId || shared.state !== 'paused') return;
				this.shared = {
					...shared,
					state: 'recording',
					pausedMs: shared.pausedMs + (message.atServerMs - (shared.pausedAt ?? message.atServerMs)),
					pausedAt: undefined
				};
				this.recording.resume();
				return;
			case 'stop':
				if (shared) this.shared = { ...shared, state: 'stopped' };
				this.myReady = false;
				void this.recording.stop();
				return;
			case 'prompt':
				this.prompts.setAsked(message.promptId, { asked: message.asked, atServerMs: message.atServerMs });
				return;
			case 'mark':
				this.prompts.mark(message.markId, message.atServerMs);
				this.marks = [
					...this.marks,
					{ id: message.markId, atElapsedMs: this.#elapsedAt(message.atServerMs) }
				];
				this.recording.note((atSample) => ({
					kind: 'mark',
					markId: message.markId,
					atSample,
					atServerMs: message.atServerMs
				}));
				return;
		}
	}

	/**
	 * Writes each check-off that changed, here or on another device, into this track's time-coded
	 * index, with the time it was made. Check-offs older than the recording (an earlier session's, or
	 * ones the document brings back on load) are not part of it.
	 */
	#noteCheckOffs() {
		const now = this.prompts.checks();
		const started = this.shared?.startedAtServerMs ?? Infinity;
		for (const [promptId, check] of Object.entries(now)) {
			const before = this.#noted[promptId];
			if (before?.asked === check.asked && before.atServerMs === check.atServerMs) continue;
			if (check.atServerMs < started) continue;
			const text = this.prompts.list().find((p) => p.id === promptId)?.text ?? '';
			this.recording.note((atSample) => ({
				kind: 'question',
				promptId,
				text,
				asked: check.asked,
				atSample,
				atServerMs: check.atServerMs
			}));
		}
		this.#noted = { ...now };
	}

	async #continueRecovered() {
		if (!(await this.recording.continueRecovered())) return;
		const track = this.recording.track;
		if (track)
			this.shared ??= {
				id: track.recordingId,
				state: 'recording',
				startedAtServerMs: track.startedAtServerMs,
				pausedMs: 0
			};
		this.#send(this.#hello());
	}

	#elapsedAt(serverMs: number): number {
		const shared = this.shared;
		if (!shared) return 0;
		const until = shared.state === 'paused' && shared.pausedAt !== undefined ? shared.pausedAt : serverMs;
		return Math.max(0, until - shared.startedAtServerMs - shared.pausedMs);
	}

	#tick() {
		if (!this.shared || this.shared.state === 'stopped') return;
		this.elapsedMs = this.#elapsedAt(this.clock.now());
		for (const notice of dueNotices({
			elapsedMs: this.elapsedMs,
			targetMinutes: this.info.targetMinutes,
			given: this.#given
		})) {
			this.#given.add(notice);
			this.notice = this.#texts.notice(notice);
		}
	}

	async #measure() {
		// For pacing the share track's upload behind the call (core/upload-pacing): all links share the uplink.
		let reading: LinkReading | undefined;
		for (const t of (await this.#call?.traffic()) ?? []) {
			const last = this.#lastTraffic.get(t.peerId);
			this.#lastTraffic.set(t.peerId, { sent: t.bytesSent, received: t.bytesReceived, at: t.at });
			if (!last || t.at <= last.at) continue;
			const kbps = (bytes: number) => Math.round(((bytes * 8) / (t.at - last.at)) * 10) / 10;
			const receiveKbps = kbps(t.bytesReceived - last.received);
			const sendKbps = kbps(t.bytesSent - last.sent);
			this.#patch(t.peerId, { sendKbps, receiveKbps, hearing: receiveKbps > 0 });
			reading = {
				at: t.at,
				callSendBps: (reading?.callSendBps ?? 0) + sendKbps * 1000,
				availableBps: lowest(reading?.availableBps, t.availableOutgoingBps),
				fractionLost: Math.max(reading?.fractionLost ?? 0, t.fractionLost ?? 0)
			};
		}
		if (reading) this.recording.linkReading = reading;
	}
}

function lowest(a: number | undefined, b: number | undefined): number | undefined {
	return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}
