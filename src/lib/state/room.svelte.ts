import { SvelteMap } from 'svelte/reactivity';
import * as v from 'valibot';
import type { CallMessage, RoomInfo, RoomMember } from '../contracts/call';
import { CallSession } from '../call/peer-call';
import { arrayPromptSource, type PromptSource } from '../call/prompts';
import { ServerClock } from '../call/server-clock';
import { adaptBitrate, callAudioOf, INITIAL_BITRATE, type AdaptiveBitrate } from '../core/call-audio';
import {
	INITIAL_QUALITY,
	stepQuality,
	stepSteady,
	type CallQuality,
	type QualityState,
	type SteadyFlag
} from '../core/call-quality';
import { measureLinks, type LinkCounters } from '../core/call-stats';
import type { TimerNotice } from '../core/conversation-timer';
import {
	initialRoom,
	stepRoom,
	type LinkState,
	type MemberProtocol,
	type RoomEffect,
	type RoomInput,
	type RoomProtocol
} from '../core/room-protocol';
import { LocalRecording } from './recording.svelte';
import { api } from '../sync/api';

export type RoomTexts = {
	notice: (notice: TimerNotice) => string;
	saveFailed: string;
	/** The default prompts, shown only when no `source` is given. */
	prompts: { id: string; text: string }[];
};
/** What the call carries for a member beside the protocol: their audio, the link's rates and how it sounds. */
type MemberMedia = {
	stream?: MediaStream;
	sendKbps?: number;
	receiveKbps?: number;
	hearing: boolean;
	quality: CallQuality;
};
const NO_MEDIA: MemberMedia = { hearing: false, quality: INITIAL_QUALITY.shown };
type Member = RoomMember & MemberProtocol & MemberMedia;

const STATS_MS = 2_000;
const TICK_MS = 250;
/**
 * Every member repeats where the recording is and how its recorder is doing this often, so a
 * command lost with a dying data channel is made good, and the others see a device in trouble.
 */
const HELLO_MS = 5_000;

/**
 * The room of one conversation (issue #5): the call, the timer with its notices, prompts and marks.
 * What each message, click and tick does to the room is the pure protocol of core/room-protocol;
 * this class feeds it, keeps its state for the page and carries out its effects. The recording
 * itself lives in LocalRecording.
 */
export class Room {
	readonly info: RoomInfo;
	readonly clock = new ServerClock();
	readonly recording: LocalRecording;
	readonly prompts: PromptSource;
	signaling = $state<'connecting' | 'online' | 'offline'>('connecting');
	inAnotherTab = $state(false);
	signedOut = $state(false);
	joined = $state(false);
	checks = $state(0); // bumps when prompt check-offs change
	/** The share track's upload is waiting so the call has the bandwidth (issue #18); steady, never blinking. */
	uploadHeld = $state(false);
	#protocol: RoomProtocol;
	readonly #media = new SvelteMap<string, MemberMedia>();
	readonly #texts: RoomTexts;
	#call: CallSession | undefined;
	#timers: ReturnType<typeof setInterval>[] = [];
	/** The previous getStats counters, for rates; nothing renders them, so they need not be reactive. */
	#counters: Record<string, LinkCounters> = {};
	/** Each link's readings and what it shows (core/call-quality), and the adapting bitrate. */
	#quality: Record<string, QualityState> = {};
	#bitrate: AdaptiveBitrate = INITIAL_BITRATE;
	#uploadHeld: SteadyFlag = { value: false, count: 0 };
	readonly #audio;

	/**
	 * The protocol's members keep their object until one of them changes, so ticks rebuild nothing.
	 * (Derived here, not in the constructor: there Svelte reads `#protocol` untracked.)
	 */
	readonly #protocolMembers = $derived.by(() => this.#protocol.members);
	/** The other members, in the room's order: who they are, what they told, and how their link does. */
	readonly members: ReadonlyMap<string, Member> = $derived.by(
		() =>
			// Built whole on every change and never changed in place: a plain Map is enough.
			// eslint-disable-next-line svelte/prefer-svelte-reactivity
			new Map(
				this.info.members.flatMap((m) => {
					const protocol = this.#protocolMembers[m.peerId];
					const media = this.#media.get(m.peerId) ?? NO_MEDIA;
					return protocol ? [[m.peerId, { ...m, ...protocol, ...media }] as const] : [];
				})
			)
	);

	constructor(info: RoomInfo, texts: RoomTexts, source?: PromptSource) {
		this.info = info;
		this.#texts = texts;
		this.#audio = callAudioOf(info.callAudioPreset);
		this.prompts = source ?? arrayPromptSource(texts.prompts);
		this.#protocol = $state.raw(initialRoom(info, this.prompts.checks()));
		this.prompts.subscribe(() => {
			this.checks += 1;
			this.#dispatch({ type: 'checks', checks: this.prompts.checks(), prompts: this.prompts.list() });
		});
		this.recording = new LocalRecording({
			clock: this.clock,
			conversationId: info.conversationId,
			userId: info.me.userId,
			saveFailed: texts.saveFailed
		});
		for (const m of info.members) if (m.peerId !== info.me.peerId) this.#media.set(m.peerId, NO_MEDIA);
	}

	get isParticipant() {
		return this.#protocol.participant;
	}
	get myReady() {
		return this.#protocol.myReady;
	}
	get shared() {
		return this.#protocol.shared;
	}
	get elapsedMs() {
		return this.#protocol.elapsedMs;
	}
	get marks() {
		return this.#protocol.marks;
	}
	get notice(): string | undefined {
		const notice = this.#protocol.notice;
		return notice === undefined ? undefined : this.#texts.notice(notice);
	}

	/** Joins the call with `stream`; runs from the "join" click so the recorder's audio may start. */
	async join(stream: MediaStream) {
		if (this.isParticipant) await this.recording.prepare(stream);
		void this.clock.start();
		this.#call = new CallSession({
			room: this.info,
			stream,
			events: this.#callEvents(),
			audio: this.#audio
		});
		this.#call.join();
		this.joined = true;
		this.#timers.push(
			setInterval(() => this.#tick(), TICK_MS),
			setInterval(() => void this.#measure(), STATS_MS),
			setInterval(() => this.#dispatch({ type: 'helloDue' }), HELLO_MS)
		);
		if (this.recording.continuing) await this.#continueRecovered();
	}

	/** "Continue" on a recording found after a crash: now if in the call, else as soon as joined. */
	async continueRecovered() {
		this.recording.continuing = true;
		if (this.joined) await this.#continueRecovered();
	}

	setReady(ready: boolean) {
		this.#dispatch({ type: 'setReady', ready });
	}

	pause() {
		this.#dispatch({ type: 'pause' });
	}

	resume() {
		this.#dispatch({ type: 'resume' });
	}

	/** Either partner stops; the recording ends on every device (issue #5, "Pause and stop"). */
	stop() {
		this.#dispatch({ type: 'stop', trackRecordingId: this.recording.track?.recordingId });
	}

	/**
	 * Checks a prompt off. Agreed questions sync through the shared document (every device notes the
	 * change from there); the default prompts, which are in no document, go over the data channel.
	 */
	setAsked(promptId: string, asked: boolean) {
		this.#dispatch({ type: 'setAsked', promptId, asked, overChannel: !this.prompts.fromDocument() });
	}

	mark() {
		this.#dispatch({ type: 'mark' });
	}

	async leave() {
		for (const timer of this.#timers) clearInterval(timer);
		this.#call?.leave();
		this.clock.stop();
		await this.recording.close();
	}

	/** One step of the protocol: its state is kept before its effects run, which may step it again. */
	#dispatch(input: RoomInput) {
		const env = { nowServerMs: this.clock.now(), freshId: crypto.randomUUID() };
		const { state, effects } = stepRoom(this.#protocol, input, env);
		this.#protocol = state;
		for (const effect of effects) this.#run(effect);
	}

	#run(effect: RoomEffect) {
		switch (effect.type) {
			case 'send':
				this.#call?.send(effect.message);
				return;
			case 'follow':
				this.recording.follow(effect.shared);
				return;
			case 'reportRecorded':
				void this.#reportRecorded(effect.durationMs);
				return;
			case 'setAsked':
				this.prompts.setAsked(effect.promptId, effect.check);
				return;
			case 'markPrompt':
				this.prompts.mark(effect.markId, effect.atServerMs);
				return;
			case 'noteMark': {
				const { markId, atServerMs } = effect;
				this.recording.note((atSample) => ({ kind: 'mark', markId, atSample, atServerMs }));
				return;
			}
			case 'noteQuestion': {
				const { promptId, text, asked, atServerMs } = effect;
				this.recording.note((atSample) => ({
					kind: 'question',
					promptId,
					text,
					asked,
					atSample,
					atServerMs
				}));
				return;
			}
		}
	}

	#callEvents() {
		return {
			link: (peerId: string, link: LinkState) => this.#dispatch({ type: 'link', peerId, link }),
			stream: (peerId: string, stream: MediaStream) => this.#patchMedia(peerId, { stream }),
			channelOpen: (peerId: string) => this.#dispatch({ type: 'channelOpen', peerId }),
			message: (peerId: string, message: CallMessage) =>
				this.#dispatch({ type: 'received', from: peerId, message }),
			signaling: (state: 'connecting' | 'online' | 'offline') => (this.signaling = state),
			inAnotherTab: () => (this.inAnotherTab = true),
			signedOut: () => (this.signedOut = true)
		};
	}

	#patchMedia(peerId: string, change: Partial<MemberMedia>) {
		const media = this.#media.get(peerId);
		if (media) this.#media.set(peerId, { ...media, ...change });
	}

	/**
	 * Tells the server the conversation is recorded, so both people's pages and the coordinator's
	 * count it at once (issue #14). Best effort: if it can't get through, the server marks it once
	 * both share tracks are confirmed.
	 */
	async #reportRecorded(durationMs: number) {
		await api(`/api/conversations/${encodeURIComponent(this.info.conversationId)}/recorded`, {
			method: 'POST',
			body: { durationMs },
			schema: v.unknown()
		});
	}

	async #continueRecovered() {
		if (!(await this.recording.continueRecovered())) return;
		const track = this.recording.track;
		this.#dispatch({
			type: 'recovered',
			...(track
				? { track: { recordingId: track.recordingId, startedAtServerMs: track.startedAtServerMs } }
				: {})
		});
	}

	#tick() {
		this.recording.checkHealth();
		this.#dispatch({ type: 'tick', health: this.recording.health });
	}

	async #measure() {
		// For pacing the share track's upload behind the call (core/upload-pacing): all links share the uplink.
		const traffic = (await this.#call?.traffic()) ?? [];
		const { counters, rates, reading } = measureLinks(this.#counters, traffic);
		this.#counters = counters;
		for (const { peerId, ...rate } of rates) this.#patchMedia(peerId, rate);
		for (const sample of traffic) {
			const state = stepQuality(this.#quality[sample.peerId] ?? INITIAL_QUALITY, sample);
			this.#quality[sample.peerId] = state;
			if (state.shown !== this.#media.get(sample.peerId)?.quality)
				this.#patchMedia(sample.peerId, { quality: state.shown });
		}
		if (!reading) return;
		this.recording.linkReading = reading;
		if (this.#audio.adaptive) {
			this.#bitrate = adaptBitrate(this.#bitrate, reading);
			await this.#call?.setBitrate(this.#bitrate.bps);
		}
		const held = await this.recording.uploadHeldForCall(performance.now());
		this.#uploadHeld = stepSteady(this.#uploadHeld, held);
		this.uploadHeld = this.#uploadHeld.value;
	}
}
