import { describe, expect, it } from 'vitest';
import { measureLinks, readLinkStats, type LinkSample, type StatsEntry } from './call-stats';

/**
 * What Chromium's getStats() gives for one audio-only PeerJS call (trimmed of fields nothing reads,
 * but with the entries and kinds a real report has): a transport naming the selected pair, two
 * candidate pairs of which only the selected one carries traffic, the audio RTP streams both ways,
 * and entries of other types that must be ignored.
 */
const chromium = (over: { sent?: number; received?: number } = {}): StatsEntry[] => [
	{ type: 'certificate', id: 'CF01' },
	{ type: 'codec', id: 'COT01_111_minptime=10;useinbandfec=1', kind: undefined },
	{
		type: 'candidate-pair',
		id: 'CPa1b2_c3d4',
		nominated: true,
		bytesSent: 912_000,
		bytesReceived: 905_000,
		availableOutgoingBitrate: 1_210_000
	},
	{ type: 'candidate-pair', id: 'CPe5f6_g7h8', nominated: false, bytesSent: 0, bytesReceived: 0 },
	{ type: 'local-candidate', id: 'Ia1b2' },
	{ type: 'remote-candidate', id: 'Ic3d4' },
	{
		type: 'inbound-rtp',
		id: 'IT01A2845913',
		kind: 'audio',
		bytesReceived: over.received ?? 480_123,
		audioLevel: 0.0832
	},
	{ type: 'outbound-rtp', id: 'OT01A1742219', kind: 'audio', bytesSent: over.sent ?? 501_977 },
	{ type: 'remote-inbound-rtp', id: 'RIA1742219', kind: 'audio', fractionLost: 0.015625 },
	{ type: 'remote-outbound-rtp', id: 'ROA2845913', kind: 'audio', bytesSent: 479_000 },
	{ type: 'media-source', id: 'SA1', kind: 'audio', audioLevel: 0.61 },
	{ type: 'media-playout', id: 'AP', kind: 'audio' },
	{ type: 'peer-connection', id: 'P' },
	{
		type: 'transport',
		id: 'T01',
		bytesSent: 912_000,
		bytesReceived: 905_000,
		selectedCandidatePairId: 'CPa1b2_c3d4'
	}
];

describe('readLinkStats', () => {
	it('reads the audio traffic, the selected pair’s estimate and the partner’s loss from a Chromium report', () => {
		expect(readLinkStats(chromium())).toEqual({
			bytesSent: 501_977,
			bytesReceived: 480_123,
			audioLevel: 0.0832,
			availableOutgoingBps: 1_210_000,
			fractionLost: 0.015625
		});
	});

	it('takes the pair the transport names, even where another pair is the nominated one', () => {
		const entries = chromium().map((s) =>
			s.type === 'candidate-pair'
				? s.id === 'CPe5f6_g7h8'
					? { ...s, nominated: true, availableOutgoingBitrate: 90_000 }
					: { ...s, nominated: false }
				: s
		);
		expect(readLinkStats(entries).availableOutgoingBps).toBe(1_210_000);
	});

	it('without a transport entry (Firefox), takes the nominated pair', () => {
		const firefox: StatsEntry[] = [
			{ type: 'candidate-pair', id: '3b1c', nominated: false, availableOutgoingBitrate: 64_000 },
			{ type: 'candidate-pair', id: '9d2e', nominated: true, availableOutgoingBitrate: 800_000 },
			{ type: 'outbound-rtp', id: '{o1}', kind: 'audio', bytesSent: 12_000 },
			{ type: 'inbound-rtp', id: '{i1}', kind: 'audio', bytesReceived: 11_500 }
		];
		expect(readLinkStats(firefox)).toEqual({
			bytesSent: 12_000,
			bytesReceived: 11_500,
			audioLevel: 0,
			availableOutgoingBps: 800_000
		});
	});

	it('counts audio only, adds up several audio streams, and keeps the loudest level and worst loss', () => {
		const entries: StatsEntry[] = [
			{ type: 'outbound-rtp', id: 'o1', kind: 'audio', bytesSent: 1_000 },
			{ type: 'outbound-rtp', id: 'o2', kind: 'audio', bytesSent: 500 },
			{ type: 'outbound-rtp', id: 'o3', kind: 'video', bytesSent: 90_000 },
			{ type: 'inbound-rtp', id: 'i1', kind: 'audio', bytesReceived: 700, audioLevel: 0.2 },
			{ type: 'inbound-rtp', id: 'i2', kind: 'audio', bytesReceived: 300, audioLevel: 0.5 },
			{ type: 'inbound-rtp', id: 'i3', kind: 'video', bytesReceived: 80_000, audioLevel: 0.9 },
			{ type: 'remote-inbound-rtp', id: 'r1', kind: 'audio', fractionLost: 0.02 },
			{ type: 'remote-inbound-rtp', id: 'r2', kind: 'audio', fractionLost: 0.1 },
			{ type: 'remote-inbound-rtp', id: 'r3', kind: 'video', fractionLost: 0.5 }
		];
		expect(readLinkStats(entries)).toEqual({
			bytesSent: 1_500,
			bytesReceived: 1_000,
			audioLevel: 0.5,
			fractionLost: 0.1
		});
	});

	it('a link just set up, before any RTP, reads as zeros with no estimate and no loss', () => {
		const early: StatsEntry[] = [
			{ type: 'transport', id: 'T01' },
			{ type: 'candidate-pair', id: 'CP1', nominated: false },
			{ type: 'outbound-rtp', id: 'o1', kind: 'audio' },
			{ type: 'remote-inbound-rtp', id: 'r1', kind: 'audio' }
		];
		expect(readLinkStats(early)).toEqual({ bytesSent: 0, bytesReceived: 0, audioLevel: 0 });
	});

	it('reads the counters the call’s quality is judged by, and the codecs in use each way (issue #18)', () => {
		const entries: StatsEntry[] = [
			{ type: 'codec', id: 'COT01_63', mimeType: 'audio/red' },
			{ type: 'codec', id: 'CIT01_111', mimeType: 'audio/opus' },
			{ type: 'transport', id: 'T01', selectedCandidatePairId: 'CP1' },
			{ type: 'candidate-pair', id: 'CP1', currentRoundTripTime: 0.0214, availableOutgoingBitrate: 300_000 },
			{
				type: 'inbound-rtp',
				id: 'i1',
				kind: 'audio',
				codecId: 'CIT01_111',
				bytesReceived: 9_000,
				packetsReceived: 950,
				packetsLost: 50,
				jitter: 0.0125,
				totalSamplesReceived: 960_000,
				concealedSamples: 48_000,
				silentConcealedSamples: 20_000
			},
			{
				type: 'outbound-rtp',
				id: 'o1',
				kind: 'audio',
				codecId: 'COT01_63',
				bytesSent: 10_000,
				packetsSent: 1_000
			},
			{
				type: 'remote-inbound-rtp',
				id: 'r1',
				kind: 'audio',
				packetsLost: 30,
				fractionLost: 0.04,
				jitter: 0.031,
				roundTripTime: 0.0405
			}
		];
		expect(readLinkStats(entries)).toEqual({
			bytesSent: 10_000,
			bytesReceived: 9_000,
			audioLevel: 0,
			availableOutgoingBps: 300_000,
			fractionLost: 0.04,
			packetsReceived: 950,
			packetsLost: 50,
			totalSamplesReceived: 960_000,
			concealedSamples: 48_000,
			silentConcealedSamples: 20_000,
			jitterMs: 13,
			packetsSent: 1_000,
			remotePacketsLost: 30,
			remoteJitterMs: 31,
			// RTCP's round trip, not the ICE pair's, once there is one.
			roundTripMs: 41,
			sendCodec: 'audio/red',
			receiveCodec: 'audio/opus'
		});
		const beforeRtcp = entries.filter((s) => s.type !== 'remote-inbound-rtp');
		expect(readLinkStats(beforeRtcp).roundTripMs).toBe(21);
	});

	it('reads a Map-like report’s values() as well as an array', () => {
		const report = new Map(chromium().map((s) => [s.id, s]));
		expect(readLinkStats(report.values())).toEqual(readLinkStats(chromium()));
	});
});

const sample = (peerId: string, at: number, over: Partial<LinkSample> = {}): LinkSample => ({
	peerId,
	at,
	bytesSent: 0,
	bytesReceived: 0,
	audioLevel: 0,
	...over
});

describe('measureLinks', () => {
	it('has no rate for a link seen the first time, only its counters', () => {
		const first = measureLinks({}, [sample('b', 1_000, { bytesSent: 5_000, bytesReceived: 4_000 })]);
		expect(first).toEqual({ counters: { b: { sent: 5_000, received: 4_000, at: 1_000 } }, rates: [] });
	});

	it('gives kbps since the last reading, to a tenth, and hears a partner whose audio arrives', () => {
		const previous = { b: { sent: 5_000, received: 4_000, at: 1_000 } };
		// 2 s later: 8_000 bytes sent is 32 kbit/s; 7_777 received is 31.108 → 31.1.
		const { counters, rates, reading } = measureLinks(previous, [
			sample('b', 3_000, {
				bytesSent: 13_000,
				bytesReceived: 11_777,
				availableOutgoingBps: 1_000_000,
				fractionLost: 0.01
			})
		]);
		expect(rates).toEqual([{ peerId: 'b', sendKbps: 32, receiveKbps: 31.1, hearing: true }]);
		expect(counters).toEqual({ b: { sent: 13_000, received: 11_777, at: 3_000 } });
		expect(reading).toEqual({ at: 3_000, callSendBps: 32_000, availableBps: 1_000_000, fractionLost: 0.01 });
	});

	it('does not hear a partner from whom nothing arrived', () => {
		const { rates } = measureLinks({ b: { sent: 0, received: 4_000, at: 0 } }, [
			sample('b', 2_000, { bytesSent: 8_000, bytesReceived: 4_000 })
		]);
		expect(rates).toEqual([{ peerId: 'b', sendKbps: 32, receiveKbps: 0, hearing: false }]);
	});

	it('adds the call’s sends over all links, takes the lowest estimate and the worst loss', () => {
		const previous = { b: { sent: 0, received: 0, at: 0 }, f: { sent: 0, received: 0, at: 0 } };
		const { reading } = measureLinks(previous, [
			sample('b', 2_000, { bytesSent: 8_000, availableOutgoingBps: 900_000, fractionLost: 0.2 }),
			sample('f', 2_000, { bytesSent: 4_000, availableOutgoingBps: 300_000 })
		]);
		expect(reading).toEqual({ at: 2_000, callSendBps: 48_000, availableBps: 300_000, fractionLost: 0.2 });
	});

	it('a link without an estimate leaves the other’s; none at all leaves it unknown', () => {
		const previous = { b: { sent: 0, received: 0, at: 0 }, f: { sent: 0, received: 0, at: 0 } };
		const one = measureLinks(previous, [
			sample('b', 1_000, { availableOutgoingBps: 500_000 }),
			sample('f', 1_000)
		]);
		expect(one.reading?.availableBps).toBe(500_000);
		const none = measureLinks(previous, [sample('b', 1_000), sample('f', 1_000)]);
		expect(none.reading?.availableBps).toBeUndefined();
		expect(none.reading?.fractionLost).toBe(0);
	});

	it('skips a reading not later than the last, and keeps the counters of links not read this time', () => {
		const previous = { b: { sent: 100, received: 100, at: 5_000 }, f: { sent: 7, received: 7, at: 4_000 } };
		const { counters, rates, reading } = measureLinks(previous, [sample('b', 5_000, { bytesSent: 900 })]);
		expect(rates).toEqual([]);
		expect(reading).toBeUndefined();
		expect(counters).toEqual({
			b: { sent: 900, received: 0, at: 5_000 },
			f: { sent: 7, received: 7, at: 4_000 }
		});
		expect(previous.b.sent).toBe(100);
	});
});
