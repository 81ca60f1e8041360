import { describe, expect, it } from 'vitest';
import { bextAscii, broadcastWav, readBext } from './bwf';

const bext = {
	description: 'ref-1, local, principal ID; voice of José',
	originator: 'US, Common Ground',
	originatorReference: 'ref-1',
	origination: new Date('2025-11-02T23:59:59.500Z'),
	sampleRate: 48000
};

describe('broadcastWav', () => {
	it('writes a RIFF/WAVE file whose bext fields read back as FADGI formats them', () => {
		const pcm = new Uint8Array([1, 0, 2, 0, 3, 0]);
		const wav = broadcastWav(pcm, bext);
		const text = (at: number, n: number) => String.fromCharCode(...wav.subarray(at, at + n));
		expect(text(0, 4) + text(8, 4)).toBe('RIFFWAVE');
		expect(new DataView(wav.buffer).getUint32(4, true)).toBe(wav.length - 8);
		expect(wav.subarray(wav.length - pcm.length)).toEqual(pcm);
		expect(readBext(wav)).toEqual({
			description: 'ref-1, local, principal ID; voice of Jose',
			originator: 'US, Common Ground',
			originatorReference: 'ref-1',
			date: '2025-11-02',
			time: '23:59:59',
			// Samples since midnight: 86 399.5 s at 48 kHz, past 2^31, so read unsigned.
			timeReference: 86_399.5 * 48000,
			version: 1
		});
	});

	it('cuts each field to its size, with no terminator needed at full length', () => {
		const wav = broadcastWav(new Uint8Array(2), {
			...bext,
			description: 'd'.repeat(300),
			originatorReference: 'r'.repeat(40)
		});
		const read = readBext(wav);
		expect(read?.description).toBe('d'.repeat(256));
		expect(read?.originatorReference).toBe('r'.repeat(32));
		expect(read?.originator).toBe('US, Common Ground');
	});
});

describe('bextAscii', () => {
	it('keeps letters without their accents and marks what has no ASCII form', () => {
		expect(bextAscii('Zoë Ñúñez – 王')).toBe('Zoe Nunez ? ?');
	});
});
