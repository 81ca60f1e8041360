import type { LinkReading } from './upload-pacing';

/**
 * What the room reads from WebRTC's statistics (getStats) for each link of the call: its audio
 * traffic, shown beside each member and used to pace the share track's upload behind the call
 * (core/upload-pacing). Pure: it takes the report's entries as plain objects.
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
};

/** One link's counters from its stats report's entries. */
export function readLinkStats(entries: Iterable<StatsEntry>): LinkStats {
	const all = [...entries];
	const stats: LinkStats = { bytesSent: 0, bytesReceived: 0, audioLevel: 0 };
	let selectedPair: string | undefined;
	for (const s of all) if (s.type === 'transport') selectedPair = s.selectedCandidatePairId;
	for (const s of all) {
		if (s.type === 'outbound-rtp' && s.kind === 'audio') stats.bytesSent += s.bytesSent ?? 0;
		if (s.type === 'inbound-rtp' && s.kind === 'audio') {
			stats.bytesReceived += s.bytesReceived ?? 0;
			stats.audioLevel = Math.max(stats.audioLevel, s.audioLevel ?? 0);
		}
		// Without a transport entry naming the pair in use, the nominated one is.
		const inUse = selectedPair ? s.id === selectedPair : s.nominated === true;
		if (s.type === 'candidate-pair' && inUse && s.availableOutgoingBitrate !== undefined)
			stats.availableOutgoingBps = s.availableOutgoingBitrate;
		if (s.type === 'remote-inbound-rtp' && s.kind === 'audio' && s.fractionLost !== undefined)
			stats.fractionLost = Math.max(stats.fractionLost ?? 0, s.fractionLost);
	}
	return stats;
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
