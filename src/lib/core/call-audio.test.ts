import { describe, expect, it } from 'vitest';
import {
	adaptBitrate,
	ADAPTIVE,
	CALL_AUDIO,
	CALL_AUDIO_PRESETS,
	callAudioOf,
	callAudioSdp,
	INITIAL_BITRATE,
	type AdaptiveBitrate
} from './call-audio';
import { audioPayloadOrder, audioPtime, opusParams } from './opus-sdp';

const offer = [
	'v=0',
	's=-',
	'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8',
	'a=rtpmap:111 opus/48000/2',
	'a=fmtp:111 minptime=10;useinbandfec=1',
	'a=rtpmap:63 red/48000/2',
	'a=fmtp:63 111/111',
	'a=rtpmap:9 G722/8000',
	''
].join('\r\n');

describe('the call-audio presets', () => {
	it('the default is what shipped with issue #5: 32 kbit/s, FEC and DTX, Opus first, 20 ms', () => {
		const sdp = callAudioSdp(offer, callAudioOf(undefined));
		expect(opusParams(sdp)).toMatchObject({ maxaveragebitrate: '32000', useinbandfec: '1', usedtx: '1' });
		expect(audioPayloadOrder(sdp)[0]).toBe('opus');
		expect(audioPtime(sdp)).toBeUndefined();
		expect(callAudioOf(undefined).adaptive).toBe(false);
	});

	it('plain Opus turns off the FEC the browser offers, and DTX', () => {
		expect(opusParams(callAudioSdp(offer, CALL_AUDIO.plain))).toMatchObject({
			useinbandfec: '0',
			usedtx: '0'
		});
	});

	it('each preset changes one thing from plain Opus', () => {
		const read = (preset: keyof typeof CALL_AUDIO) => {
			const sdp = callAudioSdp(offer, CALL_AUDIO[preset]);
			const params = opusParams(sdp)!;
			return {
				fec: params.useinbandfec,
				dtx: params.usedtx,
				first: audioPayloadOrder(sdp)[0],
				ptime: audioPtime(sdp),
				adaptive: CALL_AUDIO[preset].adaptive
			};
		};
		const plain = { fec: '0', dtx: '0', first: 'opus', ptime: undefined, adaptive: false };
		expect(read('plain')).toEqual(plain);
		expect(read('fec')).toEqual({ ...plain, fec: '1' });
		expect(read('dtx')).toEqual({ ...plain, dtx: '1' });
		expect(read('fec-dtx')).toEqual({ ...plain, fec: '1', dtx: '1' });
		expect(read('red')).toEqual({ ...plain, first: 'red' });
		expect(read('ptime-60')).toEqual({ ...plain, ptime: 60 });
		expect(read('adaptive')).toEqual({ ...plain, adaptive: true });
		expect(Object.keys(CALL_AUDIO).sort()).toEqual([...CALL_AUDIO_PRESETS].sort());
	});
});

describe('adaptBitrate', () => {
	const run = (readings: { availableBps?: number; fractionLost?: number }[]) => {
		let state: AdaptiveBitrate = INITIAL_BITRATE;
		return readings.map((r) => (state = adaptBitrate(state, r)).bps);
	};

	it('keeps the top rate on a link with room, or with no estimate yet', () => {
		expect(run([{ availableBps: 1_000_000 }, {}, { availableBps: 300_000, fractionLost: 0.02 }])).toEqual([
			32_000, 32_000, 32_000
		]);
	});

	it('steps down at once to what the estimate leaves room for, never below the lowest step', () => {
		expect(run([{ availableBps: 50_000 }])).toEqual([16_000]);
		expect(run([{ availableBps: 5_000 }])).toEqual([12_000]);
	});

	it('takes heavy loss for a full queue: one step lower', () => {
		expect(run([{ availableBps: 1_000_000, fractionLost: 0.12 }])).toEqual([24_000]);
		expect(run([{ availableBps: 5_000, fractionLost: 0.3 }])).toEqual([12_000]);
	});

	it('climbs back one step at a time, each after three readings that allow it', () => {
		const rates = run([
			{ availableBps: 30_000 },
			...Array<{ availableBps: number }>(8).fill({ availableBps: 1e6 })
		]);
		expect(rates).toEqual([12_000, 12_000, 12_000, 16_000, 16_000, 16_000, 24_000, 24_000, 24_000]);
		expect(ADAPTIVE.steps[0]).toBe(32_000);
	});

	it('a reading that does not allow a step up starts the count again', () => {
		const rates = run([
			{ availableBps: 50_000 },
			{ availableBps: 1e6 },
			{ availableBps: 1e6 },
			{ availableBps: 50_000 },
			{ availableBps: 1e6 },
			{ availableBps: 1e6 }
		]);
		expect(rates).toEqual([16_000, 16_000, 16_000, 16_000, 16_000, 16_000]);
	});
});
