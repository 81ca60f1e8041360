import type { LinkReading } from './upload-pacing';

/**
 * What the room reads from WebRTC's statistics (getStats) for each link of the call: its audio
 * traffic, shown beside each member and used to pace the share track's upload behind the call
 * (core/upload-pacing), and what the call sounds like each way (core/call-quality, issue #18).
 * Pure: it takes the report's entries as plain objects.
 */

/** The fields of an RTCStats entry that are read here; the rest of each entry is ignored. */
export type StatsEntry = {
	type: string;
	id: string;
	kind?: string;
	bytesSent?: number;
	bytesReceived?: number;
	audioLevel?: number;
	/** On the transport: which candidate pair carries the traffic. */
	selectedCandidatePairId?: string;
	nominated?: boolean;
	availableOutgoingBitrate?: number;
	fractionLost?: number;
	packetsSent?: number;
	packetsReceived?: number;
	packetsLost?: number;
	/** Seconds, as the RTP statistics give them. */
	jitter?: number;
	roundTripTime?: number;
	currentRoundTripTime?: number;
	totalSamplesReceived?: number;
	concealedSamples?: number;
	silentConcealedSamples?: number;
	codecId?: string;
	mimeType?: string;
};

export type LinkStats = {
	/** Audio bytes sent and received on this link so far. */
	bytesSent: number;
	bytesReceived: number;
	/** The loudest incoming audio track's level (0–1). */
	audioLevel: number;
	/** WebRTC's estimate of what this link's uplink can carry, in bits per second, if it has one. */
	availableOutgoingBps?: number;
	/** The share of our packets the partner reports lost lately (0–1), if reported. */
	fractionLost?: number;
	/**
	 * Counters for the call's quality (core/call-quality), each only when the report has it. What
	 * arrives here (inbound-rtp): packets, and samples played of which some were made up to hide a
	 * gap (concealed), some of them in silence (which nobody hears, and DTX makes plenty of).
	 */
	packetsReceived?: number;
	packetsLost?: number;
	totalSamplesReceived?: number;
	concealedSamples?: number;
	silentConcealedSamples?: number;
	jitterMs?: number;
	/** What goes out (outbound-rtp), and what the partner reports of it (remote-inbound-rtp). */
	packetsSent?: number;
	remotePacketsLost?: number;
	remoteJitterMs?: number;
	roundTripMs?: number;
	/** The codecs in use each way, as MIME types (`audio/opus`, `audio/red`). */
	sendCodec?: string;
	receiveCodec?: string;
};

type Counter =
	| 'packetsReceived'
	| 'packetsLost'
	| 'totalSamplesReceived'
	| 'concealedSamples'
	| 'silentConcealedSamples'
	| 'packetsSent'
	| 'remotePacketsLost';

/** One link's counters from its stats report's entries. */
export function readLinkStats(entries: Iterable<StatsEntry>): LinkStats {
	const all = [...entries];
	const stats: LinkStats = { bytesSent: 0, bytesReceived: 0, audioLevel: 0 };
	let selectedPair: string | undefined;
	for (const s of all) if (s.type === 'transport') selectedPair = s.selectedCandidatePairId;
	const codecs = new Map(all.flatMap((s) => (s.type === 'codec' && s.mimeType ? [[s.id, s.mimeType]] : [])));
	const add = (name: Counter, value: number | undefined) => {
		if (value !== undefined) stats[name] = (stats[name] ?? 0) + value;
	};
	const ms = (seconds: number | undefined, kept: number | undefined) =>
		seconds === undefined ? kept : Math.max(kept ?? 0, Math.round(seconds * 1000));
	let pairRoundTripMs: number | undefined;
	for (const s of all) {
		if (s.type === 'outbound-rtp' && s.kind === 'audio') {
			stats.bytesSent += s.bytesSent ?? 0;
			add('packetsSent', s.packetsSent);
			stats.sendCodec = codecs.get(s.codecId ?? '') ?? stats.sendCodec;
		}
		if (s.type === 'inbound-rtp' && s.kind === 'audio') {
			stats.bytesReceived += s.bytesReceived ?? 0;
			stats.audioLevel = Math.max(stats.audioLevel, s.audioLevel ?? 0);
			add('packetsReceived', s.packetsReceived);
			add('packetsLost', s.packetsLost);
			add('totalSamplesReceived', s.totalSamplesReceived);
			add('concealedSamples', s.concealedSamples);
			add('silentConcealedSamples', s.silentConcealedSamples);
			stats.jitterMs = ms(s.jitter, stats.jitterMs);
			stats.receiveCodec = codecs.get(s.codecId ?? '') ?? stats.receiveCodec;
		}
		// Without a transport entry naming the pair in use, the nominated one is.
		const inUse = selectedPair ? s.id === selectedPair : s.nominated === true;
		if (s.type === 'candidate-pair' && inUse) {
			if (s.availableOutgoingBitrate !== undefined) stats.availableOutgoingBps = s.availableOutgoingBitrate;
			pairRoundTripMs = ms(s.currentRoundTripTime, undefined);
		}
		if (s.type === 'remote-inbound-rtp' && s.kind === 'audio') {
			if (s.fractionLost !== undefined)
				stats.fractionLost = Math.max(stats.fractionLost ?? 0, s.fractionLost);
			add('remotePacketsLost', s.packetsLost);
			stats.remoteJitterMs = ms(s.jitter, stats.remoteJitterMs);
			stats.roundTripMs = ms(s.roundTripTime, stats.roundTripMs);
		}
	}
	// The RTCP round trip is the media's own; the ICE pair's is there before any RTCP report.
	stats.roundTripMs ??= pairRoundTripMs;
	return dropUndefined(stats);
}

/** Leaves out what the report did not have, so a reading says only what was measured. */
function dropUndefined(stats: LinkStats): LinkStats {
	return Object.fromEntries(Object.entries(stats).filter(([, value]) => value !== undefined)) as LinkStats;
}

/** One link's counters at one moment (`at`: `performance.now()` when they were read). */
export type LinkSample = LinkStats & { peerId: string; at: number };
/** The counters a link had last time, for rates. */
export type LinkCounters = { sent: number; received: number; at: number };
export type LinkRate = { peerId: string; sendKbps: number; receiveKbps: number; hearing: boolean };

/**
 * Rates since the previous reading, per link, and what the call's links look like together for
 * pacing the upload (all links share the uplink: the sends add up, the lowest estimate and the
 * worst loss count). A link seen for the first time, or not advanced in time, has no rate yet.
 */
export function measureLinks(
	previous: Readonly<Record<string, LinkCounters>>,
	samples: readonly LinkSample[]
): { counters: Record<string, LinkCounters>; rates: LinkRate[]; reading?: LinkReading } {
	const counters = { ...previous };
	const rates: LinkRate[] = [];
	let reading: LinkReading | undefined;
	for (const t of samples) {
		const last = previous[t.peerId];
		counters[t.peerId] = { sent: t.bytesSent, received: t.bytesReceived, at: t.at };
		if (!last || t.at <= last.at) continue;
		const kbps = (bytes: number) => Math.round(((bytes * 8) / (t.at - last.at)) * 10) / 10;
		const receiveKbps = kbps(t.bytesReceived - last.received);
		const sendKbps = kbps(t.bytesSent - last.sent);
		rates.push({ peerId: t.peerId, sendKbps, receiveKbps, hearing: receiveKbps > 0 });
		reading = {
			at: t.at,
			callSendBps: (reading?.callSendBps ?? 0) + sendKbps * 1000,
			availableBps: lowest(reading?.availableBps, t.availableOutgoingBps),
			fractionLost: Math.max(reading?.fractionLost ?? 0, t.fractionLost ?? 0)
		};
	}
	return reading ? { counters, rates, reading } : { counters, rates };
}

function lowest(a: number | undefined, b: number | undefined): number | undefined {
	return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}
