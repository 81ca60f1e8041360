import { describe, expect, it } from 'vitest';
import { opusParams, tuneOpus } from './opus-sdp';

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
		expect(tuned).toMatch(/a=rtpmap:111 opus\/48000\/2\r\na=fmtp:111 maxaveragebitrate=32000;useinbandfec=1;usedtx=1/);
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
