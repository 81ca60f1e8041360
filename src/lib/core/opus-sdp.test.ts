import { describe, expect, it } from 'vitest';
import { audioPayloadOrder, audioPtime, opusParams, preferRed, tuneOpus } from './opus-sdp';

// The audio part of an offer as Chromium writes it.
const chromeOffer = [
	'v=0',
	'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
	's=-',
	't=0 0',
	'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
	'a=rtpmap:111 opus/48000/2',
	'a=rtcp-fb:111 transport-cc',
	'a=fmtp:111 minptime=10;useinbandfec=1',
	'a=rtpmap:63 red/48000/2',
	'a=fmtp:63 111/111',
	'a=rtpmap:9 G722/8000',
	''
].join('\r\n');

describe('tuneOpus', () => {
	it('caps the bitrate at 32 kbps and turns on FEC and DTX, keeping other parameters', () => {
		const tuned = tuneOpus(chromeOffer);
		expect(opusParams(tuned)).toEqual({
			minptime: '10',
			useinbandfec: '1',
			maxaveragebitrate: '32000',
			usedtx: '1',
			stereo: '0',
			'sprop-stereo': '0'
		});
		expect(tuned.split('\r\n')).toHaveLength(chromeOffer.split('\r\n').length);
		expect(tuned).toContain('a=fmtp:63 111/111'); // RED untouched
	});

	it('adds an fmtp line when Opus has none', () => {
		const bare = chromeOffer.replace('a=fmtp:111 minptime=10;useinbandfec=1\r\n', '');
		const tuned = tuneOpus(bare);
		expect(tuned).toMatch(
			/a=rtpmap:111 opus\/48000\/2\r\na=fmtp:111 maxaveragebitrate=32000;useinbandfec=1;usedtx=1/
		);
	});

	it('leaves an SDP without Opus alone, and is idempotent', () => {
		const noOpus = 'v=0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';
		expect(tuneOpus(noOpus)).toBe(noOpus);
		expect(tuneOpus(tuneOpus(chromeOffer))).toBe(tuneOpus(chromeOffer));
	});

	it('honours other settings', () => {
		const tuned = tuneOpus(chromeOffer, { maxAverageBitrate: 16_000, fec: false, dtx: false });
		expect(opusParams(tuned)).toMatchObject({ maxaveragebitrate: '16000', useinbandfec: '0', usedtx: '0' });
	});
});

describe('longer packets (issue #18)', () => {
	it('asks for them with one a=ptime at the end of the audio section', () => {
		const tuned = tuneOpus(chromeOffer, { maxAverageBitrate: 32_000, fec: false, dtx: false, ptimeMs: 60 });
		expect(audioPtime(tuned)).toBe(60);
		expect(tuned.split('\r\n').filter((l) => l.startsWith('a=ptime:'))).toEqual(['a=ptime:60']);
		expect(tuned.endsWith('a=fmtp:63 111/111\r\na=rtpmap:9 G722/8000\r\na=ptime:60\r\n')).toBe(true);
	});

	it('replaces a ptime already there, leaves other sections alone, and is idempotent', () => {
		const withData = chromeOffer.replace(
			'a=rtpmap:9 G722/8000\r\n',
			'a=rtpmap:9 G722/8000\r\na=ptime:20\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:1\r\n'
		);
		const settings = { maxAverageBitrate: 32_000, fec: true, dtx: true, ptimeMs: 40 };
		const tuned = tuneOpus(withData, settings);
		expect(audioPtime(tuned)).toBe(40);
		expect(tuned).toContain('a=ptime:40\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:1\r\n');
		expect(tuned).not.toContain('a=ptime:20');
		expect(tuneOpus(tuned, settings)).toBe(tuned);
	});

	it('without a ptime asked for, adds none', () => {
		expect(audioPtime(tuneOpus(chromeOffer))).toBeUndefined();
	});
});

describe('preferRed', () => {
	it('puts RED first on the audio line, the rest in their order, and touches nothing else', () => {
		expect(audioPayloadOrder(chromeOffer)).toEqual(['opus', 'red', 'g722', '0', '8', '13', '110', '126']);
		const red = preferRed(chromeOffer);
		expect(audioPayloadOrder(red)).toEqual(['red', 'opus', 'g722', '0', '8', '13', '110', '126']);
		expect(red.replace('63 111', '111 63')).toBe(chromeOffer);
		expect(preferRed(red)).toBe(red);
	});

	it('leaves an SDP without RED as it was', () => {
		const noRed = chromeOffer.replace('a=rtpmap:63 red/48000/2\r\n', '');
		expect(preferRed(noRed)).toBe(noRed);
	});
});
