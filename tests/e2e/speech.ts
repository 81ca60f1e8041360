import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rmsEnvelope } from './audio-match';
import { TMP } from './paths';

/**
 * Speech WAVs for Chromium's fake microphone, made at test time with espeak-ng (nothing checked in),
 * then turned by sox into 48 kHz mono 16-bit with pauses between sentences, so the loudness
 * envelope has a shape no other recording would share.
 */
export const VOICES = {
	ada: {
		voice: 'en-us',
		sentences: [
			'I grew up in Ensley, and my grandmother kept a garden behind the house.',
			'We grew okra, tomatoes and collard greens every single summer.',
			'Honestly, I think most people want the same things for their kids.'
		]
	},
	ben: {
		voice: 'en-us+f3',
		sentences: [
			'My father drove a truck for thirty years.',
			'He taught me to fix engines on Saturday mornings, and to show up on time.',
			'I vote the way I do because of him, and because of my church.'
		]
	}
} as const;

export function speechWav(name: keyof typeof VOICES): string {
	const dir = join(TMP, 'speech');
	mkdirSync(dir, { recursive: true });
	const { voice, sentences } = VOICES[name];
	const parts: string[] = [];
	sentences.forEach((text, i) => {
		const raw = join(dir, `${name}-${i}-raw.wav`);
		execFileSync('espeak-ng', ['-v', voice, '-s', '150', '-w', raw, text]);
		const part = join(dir, `${name}-${i}.wav`);
		// Pauses of different lengths after each sentence: 0.7 s, 1.3 s, 2.1 s.
		execFileSync('sox', [
			raw,
			'-r',
			'48000',
			'-c',
			'1',
			'-b',
			'16',
			part,
			'pad',
			'0',
			`${0.7 + i * 0.6 + (i > 1 ? 0.2 : 0)}`
		]);
		parts.push(part);
	});
	const out = join(dir, `${name}.wav`);
	execFileSync('sox', [...parts, out]);
	return out;
}

/** Mono 16-bit PCM samples of a WAV as floats (the files speechWav writes). */
export function readWav(path: string): { sampleRate: number; samples: Float32Array } {
	const bytes = readFileSync(path);
	let offset = 12;
	let sampleRate = 0;
	while (offset < bytes.length) {
		const id = bytes.toString('ascii', offset, offset + 4);
		const size = bytes.readUInt32LE(offset + 4);
		if (id === 'fmt ') sampleRate = bytes.readUInt32LE(offset + 12);
		if (id === 'data') {
			const data = bytes.subarray(offset + 8, offset + 8 + size);
			const samples = new Float32Array(data.length / 2);
			for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(i * 2) / 32768;
			return { sampleRate, samples };
		}
		offset += 8 + size + (size % 2);
	}
	throw new Error(`${path} has no data chunk`);
}

/** The loudness envelope of a voice's fake-microphone file, what recordings of it are matched against. */
export function speechEnvelope(name: keyof typeof VOICES): number[] {
	const { samples, sampleRate } = readWav(speechWav(name));
	return rmsEnvelope(samples, sampleRate);
}
