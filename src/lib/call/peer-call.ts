import { Peer, type DataConnection, type MediaConnection, type PeerError } from 'peerjs';
import * as v from 'valibot';
import { CallMessage, type RoomInfo } from '../contracts/call';
import { retryDelay } from '../core/backoff';
import { readLinkStats, type LinkSample, type StatsEntry } from '../core/call-stats';
import { callAudioSdp, type CallAudio } from '../core/call-audio';
import type { LinkState } from '../core/room-protocol';
import { api } from '../sync/api';
import { Session } from '../contracts/auth';

/** Our own signaling server (sync-server/src/signaling); never the PeerJS cloud. */
const PEERJS_PATH = '/peerjs';
const PEERJS_KEY = 'peerjs';
/** How long a link may stay broken before the caller dials again, and how long a dial may take. */
const GRACE_MS = 4_000;
const DIAL_TIMEOUT_MS = 15_000;
const MAX_RETRY_MS = 5_000;

export type { LinkState };
export type CallEvents = {
	link(peerId: string, state: LinkState): void;
	stream(peerId: string, stream: MediaStream): void;
	channelOpen(peerId: string): void;
	message(peerId: string, message: CallMessage): void;
	signaling(state: 'connecting' | 'online' | 'offline'): void;
	inAnotherTab(): void;
	/** The server no longer knows this person (their sign-in ran out): retrying can't help. */
	signedOut(): void;
};
/** One link's counters from WebRTC (core/call-stats), with `at` in `performance.now()` time. */
export type Traffic = LinkSample;

type Link = {
	media?: MediaConnection;
	data?: DataConnection;
	attempts: number;
	timer?: ReturnType<typeof setTimeout>;
};

/**
 * The audio call over PeerJS (issue #5, "The call"): everyone in the room calls everyone (two
 * partners and maybe a facilitator), the lower peer id dialling so no pair dials twice. A broken
 * link is dialled again; a lost signaling socket reconnects with the same id. The recording does
 * not depend on any of this.
 */
export class CallSession {
	readonly #room: RoomInfo;
	readonly #stream: MediaStream;
	readonly #events: CallEvents;
	/** The audio preset's settings (core/call-audio), for every offer and answer. */
	readonly #audio: CallAudio;
	/** The encoder's cap now: the preset's, or less where it adapts (`setBitrate`). */
	#bitrate: number;
	readonly #links = new Map<string, Link>();
	#peer: Peer | undefined;
	#peerAttempts = 0;
	#leaving = false;

	constructor(options: { room: RoomInfo; stream: MediaStream; events: CallEvents; audio: CallAudio }) {
		this.#room = options.room;
		this.#stream = options.stream;
		this.#events = options.events;
		this.#audio = options.audio;
		this.#bitrate = options.audio.opus.maxAverageBitrate;
		for (const m of this.#others()) this.#links.set(m.peerId, { attempts: 0 });
	}

	join() {
		this.#leaving = false;
		this.#connectSignaling();
	}

	leave() {
		this.#leaving = true;
		for (const link of this.#links.values()) {
			clearTimeout(link.timer);
			link.media?.close();
			link.data?.close();
		}
		this.#peer?.destroy();
	}

	/** Sends to everyone whose data channel is open; returns how many got it. */
	send(message: CallMessage): number {
		let sent = 0;
		for (const link of this.#links.values()) {
			if (link.data?.open) {
				void link.data.send(message);
				sent += 1;
			}
		}
		return sent;
	}

	/** Caps every link's encoder at `bps` (the `adaptive` preset), never above the preset's own cap. */
	async setBitrate(bps: number) {
		const capped = Math.min(bps, this.#audio.opus.maxAverageBitrate);
		if (capped === this.#bitrate) return;
		this.#bitrate = capped;
		for (const link of this.#links.values()) await capBitrate(link.media?.peerConnection, capped);
	}

	/** Bytes sent and received per member so far, from WebRTC's own counters (getStats). */
	async traffic(): Promise<Traffic[]> {
		const result: Traffic[] = [];
		for (const [peerId, link] of this.#links) {
			const pc = link.media?.peerConnection;
			if (!pc) continue;
			const at = performance.now();
			const report = await pc.getStats();
			result.push({ peerId, at, ...readLinkStats(report.values() as Iterable<StatsEntry>) });
		}
		return result;
	}

	#others() {
		return this.#room.members.filter((m) => m.peerId !== this.#room.me.peerId);
	}

	#isCaller(peerId: string) {
		return this.#room.me.peerId < peerId;
	}

	#connectSignaling() {
		this.#events.signaling('connecting');
		const secure = location.protocol === 'https:';
		const peer = new Peer(this.#room.me.peerId, {
			host: location.hostname,
			port: Number(location.port) || (secure ? 443 : 80),
			path: PEERJS_PATH,
			key: PEERJS_KEY,
			secure,
			config: { iceServers: this.#room.iceServers },
			debug: 1
		});
		this.#peer = peer;
		peer.on('open', () => {
			this.#peerAttempts = 0;
			this.#events.signaling('online');
			for (const m of this.#others()) {
				const link = this.#links.get(m.peerId);
				if (this.#isCaller(m.peerId) && link && !this.#isUp(link)) this.#dial(m.peerId);
			}
		});
		peer.on('call', (call) => this.#answer(call));
		peer.on('connection', (data) => this.#acceptData(data));
		peer.on('disconnected', () => {
			this.#events.signaling('offline');
			this.#afterBackoff(() => !peer.destroyed && peer.disconnected && peer.reconnect(), true);
		});
		peer.on('close', () => {
			this.#events.signaling('offline');
			if (!this.#leaving) this.#afterBackoff(() => this.#peer === peer && this.#connectSignaling(), true);
		});
		peer.on('error', (error: PeerError<string>) => this.#onPeerError(error));
	}

	#onPeerError(error: PeerError<string>) {
		if (error.type === 'peer-unavailable') {
			// The partner isn't in the room yet (or is reloading): try again shortly.
			const peerId = /peer (\S+)$/.exec(error.message)?.[1];
			if (peerId && this.#links.has(peerId)) this.#scheduleDial(peerId);
		} else if (error.type === 'unavailable-id') {
			this.#events.inAnotherTab();
		}
	}

	#afterBackoff(action: () => unknown, checkSession = false) {
		const attempt = this.#peerAttempts++;
		const delay = retryDelay({ attempt, random: Math.random(), maxMs: MAX_RETRY_MS });
		setTimeout(async () => {
			if (this.#leaving) return;
			// The signaling socket is refused once the sign-in has run out; say so instead of retrying forever.
			if (checkSession && attempt >= 1 && (await signedOut())) {
				this.#leaving = true;
				this.#events.signedOut();
				return;
			}
			action();
		}, delay);
	}

	#isUp(link: Link) {
		const state = link.media?.peerConnection?.connectionState;
		return state === 'connected' || state === 'connecting' || state === 'new';
	}

	#dial(peerId: string) {
		const link = this.#links.get(peerId);
		const peer = this.#peer;
		if (!link || !peer || peer.disconnected || this.#leaving) return;
		clearTimeout(link.timer);
		link.media?.close();
		link.data?.close();
		this.#events.link(peerId, link.attempts === 0 ? 'connecting' : 'reconnecting');
		this.#wireMedia(
			peerId,
			peer.call(peerId, this.#stream, { sdpTransform: (sdp: string) => callAudioSdp(sdp, this.#audio) })
		);
		this.#wireData(peerId, peer.connect(peerId, { reliable: true, serialization: 'json' }));
		link.timer = setTimeout(() => this.#scheduleDial(peerId), DIAL_TIMEOUT_MS);
	}

	#scheduleDial(peerId: string) {
		const link = this.#links.get(peerId);
		if (!link || !this.#isCaller(peerId) || this.#leaving) return;
		clearTimeout(link.timer);
		const delay = retryDelay({ attempt: link.attempts++, random: Math.random(), maxMs: MAX_RETRY_MS });
		link.timer = setTimeout(() => this.#dial(peerId), delay);
	}

	#answer(call: MediaConnection) {
		const link = this.#links.get(call.peer);
		if (!link) return call.close(); // not a member of this room
		link.media?.close();
		call.answer(this.#stream, { sdpTransform: (sdp: string) => callAudioSdp(sdp, this.#audio) });
		this.#wireMedia(call.peer, call);
	}

	#acceptData(data: DataConnection) {
		if (!this.#links.has(data.peer)) return data.close();
		this.#links.get(data.peer)?.data?.close();
		this.#wireData(data.peer, data);
	}

	#wireMedia(peerId: string, media: MediaConnection) {
		const link = this.#links.get(peerId)!;
		link.media = media;
		media.on('stream', (remote) => {
			this.#events.stream(peerId, remote);
			void capBitrate(media.peerConnection, this.#bitrate);
		});
		const pc = media.peerConnection;
		pc?.addEventListener('connectionstatechange', () => this.#onConnectionState(peerId, media));
	}

	#onConnectionState(peerId: string, media: MediaConnection) {
		const link = this.#links.get(peerId);
		if (!link || link.media !== media) return;
		const state = media.peerConnection.connectionState;
		if (state === 'connected') {
			clearTimeout(link.timer);
			link.attempts = 0;
			this.#events.link(peerId, 'connected');
		} else if (state === 'disconnected' || state === 'failed' || state === 'closed') {
			this.#events.link(peerId, 'reconnecting');
			if (!this.#isCaller(peerId)) return; // the other side dials again
			clearTimeout(link.timer);
			// "disconnected" often heals by itself within seconds; "failed" never does.
			link.timer = setTimeout(() => this.#scheduleDial(peerId), state === 'disconnected' ? GRACE_MS : 0);
		}
	}

	#wireData(peerId: string, data: DataConnection) {
		const link = this.#links.get(peerId)!;
		link.data = data;
		data.on('open', () => this.#events.channelOpen(peerId));
		data.on('data', (raw) => {
			const parsed = v.safeParse(CallMessage, raw);
			if (parsed.success) this.#events.message(peerId, parsed.output);
		});
	}
}

/** Also caps the encoder itself, in case the other side's SDP didn't ask for the cap. */
async function capBitrate(pc: RTCPeerConnection | undefined, bps: number) {
	for (const sender of pc?.getSenders() ?? []) {
		if (sender.track?.kind !== 'audio') continue;
		const params = sender.getParameters();
		if (!params.encodings?.length) continue;
		for (const encoding of params.encodings) encoding.maxBitrate = bps;
		await sender.setParameters(params).catch(() => {});
	}
}

/** True only when the server answers that nobody is signed in; a network failure is not "signed out". */
async function signedOut(): Promise<boolean> {
	const res = await api('/api/session', { schema: Session });
	return res.ok && res.data.user === null;
}
