import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import * as v from 'valibot';
import type { CallMessage, RoomInfo, RoomMember } from '../contracts/call';
import { CallSession, type LinkState } from '../call/peer-call';
import { arrayPromptSource, type PromptCheck, type PromptSource } from '../call/prompts';
import { ServerClock } from '../call/server-clock';
import { dueNotices, type TimerNotice } from '../core/conversation-timer';
import { shouldSendStart } from '../core/recording-start';
import type { RecorderHealth } from '../core/recorder-health';
import {
	applyCommand,
	elapsedAt,
	mergeShared,
	type RecordingCommand,
	type SharedRecording
} from '../core/shared-recording';
import { LocalRecording } from './recording.svelte';
import { api } from '../sync/api';
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
	/** How their device's recording is doing, as they last told (issue #15). */
	recorder?: RecorderHealth;
};

const STATS_MS = 2_000;
const TICK_MS = 250;
/**
 * Every member repeats where the recording is and how its recorder is doing this often, so a
 * command lost with a dying data channel is made good, and the others see a device in trouble.
 */
const HELLO_MS = 5_000;

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
	shared = $state.raw<SharedRecording | undefined>();
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
	#toldHealth: RecorderHealth['state'] = 'ok';

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
			setInterval(() => void this.#measure(), STATS_MS),
			setInterval(() => this.#send(this.#hello()), HELLO_MS)
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
		if (this.shared?.state === 'recording') this.#command('pause', this.shared.id);
	}

	resume() {
		if (this.shared?.state === 'paused') this.#command('resume', this.shared.id);
	}

	/** Either partner stops; the recording ends on every device (issue #5, "Pause and stop"). */
	stop() {
		const id = this.shared?.id ?? this.recording.track?.recordingId;
		if (id) this.#command('stop', id);
	}

	/**
	 * Gives a recording command here and to everyone connected. Someone not connected right now
	 * learns of it from the next hello, where the later change wins (core/shared-recording).
	 */
	#command(type: 'pause' | 'resume' | 'stop', recordingId: string) {
		const msg = { type, recordingId, atServerMs: this.clock.now() } as const;
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
			pausedMs: s.pausedMs,
			...(s.pausedAtServerMs === undefined ? {} : { pausedAtServerMs: s.pausedAtServerMs }),
			changedAtServerMs: s.changedAtServerMs
		};
		const health = this.recording.health;
		return {
			type: 'hello',
			ready: this.myReady,
			recording: recording ?? null,
			...(this.isParticipant ? { recorder: { state: health.state, behindMs: health.behindMs } } : {})
		};
	}

	#callEvents() {
		return {
			// What a member said of their recorder holds only while we hear from them.
			link: (peerId: string, link: LinkState) =>
				this.#patch(peerId, link === 'connected' ? { link } : { link, recorder: undefined }),
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
			this.#patch(peerId, { ready: message.ready, recorder: message.recorder });
			// Joined or came back while apart: the later change wins on both sides.
			this.#setShared(mergeShared(this.shared, message.recording));
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

	/** The shared recording changed (or not): the page and this device's recorder follow it. */
	#setShared(next: SharedRecording | undefined) {
		if (next !== this.shared) {
			if (next?.id !== this.shared?.id) this.#given.clear();
			if (next?.state === 'stopped') this.myReady = false;
			if (next?.state === 'stopped' && this.shared?.state !== 'stopped' && this.isParticipant)
				void this.#reportRecorded(elapsedAt(next, this.clock.now()));
			this.shared = next;
			this.elapsedMs = elapsedAt(next, this.clock.now());
		}
		if (this.isParticipant) this.recording.follow(next);
	}

	/**
	 * Tells the server the conversation is recorded, so both people's pages and the coordinator's
	 * count it at once (issue #14). Best effort: if it can't get through, the server marks it once
	 * both share tracks are confirmed.
	 */
	async #reportRecorded(durationMs: number) {
		if (durationMs < 1000) return;
		await api(`/api/conversations/${encodeURIComponent(this.info.conversationId)}/recorded`, {
			method: 'POST',
			body: { durationMs: Math.round(durationMs) },
			schema: v.unknown()
		});
	}

	/** Applies a command, whether it came from this device or over the data channel. */
	#apply(message: Exclude<CallMessage, { type: 'hello' | 'ready' }>) {
		switch (message.type) {
			case 'start':
			case 'pause':
			case 'resume':
			case 'stop':
				this.#setShared(applyCommand(this.shared, message satisfies RecordingCommand));
				return;
			case 'prompt':
				this.prompts.setAsked(message.promptId, { asked: message.asked, atServerMs: message.atServerMs });
				return;
			case 'mark':
				this.prompts.mark(message.markId, message.atServerMs);
				this.marks = [
					...this.marks,
					{ id: message.markId, atElapsedMs: elapsedAt(this.shared, message.atServerMs) }
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
		// What happened while this device was gone, it doesn't know (changed at 0): the others' state wins.
		if (track && !this.shared)
			this.#setShared({
				id: track.recordingId,
				state: 'recording',
				startedAtServerMs: track.startedAtServerMs,
				pausedMs: 0,
				changedAtServerMs: 0
			});
		this.#send(this.#hello());
	}

	#tick() {
		this.recording.checkHealth();
		// Trouble, and its end, reach the others at once, not at the next regular hello.
		const health = this.recording.health.state;
		if (health !== this.#toldHealth) {
			this.#toldHealth = health;
			this.#send(this.#hello());
		}
		if (!this.shared || this.shared.state === 'stopped') return;
		this.elapsedMs = elapsedAt(this.shared, this.clock.now());
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
