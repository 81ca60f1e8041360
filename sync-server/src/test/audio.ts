import { createHash } from 'node:crypto';
import type { Transcoder } from '../media/ffmpeg.ts';
import type { TrackFile } from '../store/types.ts';

/** 16-bit mono PCM at 48 kHz: a tone with short beeps at the given seconds, so alignment can be checked by ear and by code. */
export function tonePcm({
	seconds,
	hz,
	beepsAt = []
}: {
	seconds: number;
	hz: number;
	beepsAt?: number[];
}): Uint8Array {
	const rate = 48_000;
	const pcm = new Int16Array(seconds * rate);
	for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(3000 * Math.sin((2 * Math.PI * hz * i) / rate));
	for (const at of beepsAt) {
		for (let k = 0; k < 0.05 * rate; k++)
			pcm[Math.round(at * rate) + k] = Math.round(20000 * Math.sin((2 * Math.PI * 2000 * k) / rate));
	}
	return new Uint8Array(pcm.buffer);
}

export async function encode(
	transcoder: Transcoder,
	pcm: Uint8Array,
	kind: 'opus' | 'flac'
): Promise<Uint8Array> {
	const codec = kind === 'opus' ? ['-c:a', 'libopus', '-b:a', '24k', '-ac', '1'] : ['-c:a', 'flac'];
	const out = kind === 'opus' ? 'out.opus' : 'out.flac';
	const { [out]: bytes } = await transcoder.run(
		['-f', 's16le', '-ar', '48000', '-ac', '1', '-i', 'in.raw', ...codec, out],
		{ 'in.raw': pcm },
		[out]
	);
	if (!bytes) throw new Error('no encoded audio');
	return bytes;
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A confirmed share track at 48 kHz as the mix reads it; its upload, user and track are all `name`. */
export function shareTrackFile(
	name: string,
	{
		filePath = name,
		startedAtServerMs,
		durationMs = 0
	}: { filePath?: string; startedAtServerMs: number; durationMs?: number }
): TrackFile {
	return {
		...{ id: name, conversationId: 'c', userId: name, trackId: name, kind: 'share' },
		...{ uploadId: name, filePath, sha256: '', bytes: 0, codec: 'opus', durationMs },
		...{ startedAtServerMs, samplesPerSecond: 48_000, confirmedAt: '' }
	};
}

/** When each side's beep starts in a stereo copy (first sample above half its peak), in seconds from its start. */
export async function beepsAt(transcoder: Transcoder, copy: Uint8Array): Promise<number[]> {
	const rate = 48_000;
	const { 'out.raw': raw } = await transcoder.run(
		['-i', 'in.opus', '-f', 'f32le', '-ac', '2', '-ar', String(rate), 'out.raw'],
		{ 'in.opus': copy },
		['out.raw']
	);
	const pcm = new Float32Array(new Uint8Array(raw ?? []).buffer);
	return [0, 1].map((side) => {
		let max = 0;
		for (let i = side; i < pcm.length; i += 2) max = Math.max(max, Math.abs(pcm[i] ?? 0));
		let i = side;
		while (i < pcm.length && Math.abs(pcm[i] ?? 0) <= max / 2) i += 2;
		return (i >> 1) / rate;
	});
}
