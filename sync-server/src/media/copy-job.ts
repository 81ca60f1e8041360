import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { COPY_SAMPLE_RATE, mixStereo, type PlacedTrack } from '../../../src/lib/core/mixdown.ts';
import type { ConversationRecord, TrackFile } from '../store/types.ts';
import type { Transcoder } from './ffmpeg.ts';

export const COPIES_DIR = 'copies';
/** Stereo Opus: one voice per side; 64 kbps is transparent for speech and ~29 MB for 60 minutes. */
const COPY_BITRATE = '64k';

/** Both participants' share tracks, left = first participant; undefined until both are confirmed. */
export function shareTracksInOrder(
	conversation: ConversationRecord,
	tracks: TrackFile[]
): [TrackFile, TrackFile] | undefined {
	const [a, b] = conversation.participantIds.map((id) =>
		tracks.find((t) => t.userId === id && t.kind === 'share')
	);
	return a && b ? [a, b] : undefined;
}

export async function decodeToPcm(transcoder: Transcoder, bytes: Uint8Array): Promise<Float32Array> {
	const { 'out.raw': raw } = await transcoder.run(
		['-i', 'in.audio', '-f', 's16le', '-ac', '1', '-ar', String(COPY_SAMPLE_RATE), 'out.raw'],
		{ 'in.audio': bytes },
		['out.raw']
	);
	if (!raw) throw new Error('decoding gave no samples');
	const samples = new Int16Array(raw.buffer, raw.byteOffset, Math.floor(raw.byteLength / 2));
	// A plain loop: Float32Array.from with a map function goes through the iterator protocol and took
	// ~10× longer, about 20 s of a 10-minute copy's mix (bench: stop_to_copy_mix_seconds).
	const pcm = new Float32Array(samples.length);
	for (let i = 0; i < samples.length; i++) pcm[i] = (samples[i] ?? 0) / 32768;
	return pcm;
}

function interleave(left: Float32Array, right: Float32Array): Uint8Array {
	const out = new Int16Array(left.length * 2);
	for (let i = 0; i < left.length; i++) {
		out[2 * i] = Math.max(-32768, Math.min(32767, Math.round((left[i] ?? 0) * 32767)));
		out[2 * i + 1] = Math.max(-32768, Math.min(32767, Math.round((right[i] ?? 0) * 32767)));
	}
	return new Uint8Array(out.buffer);
}

export type MixedCopy = {
	filePath: string;
	sha256: string;
	bytes: number;
	durationMs: number;
	loudness: number;
};

/** Decodes both share tracks, aligns and mixes them (core/mixdown), encodes stereo Opus into DATA_DIR/copies. */
export async function produceCopy(
	{ dataDir, transcoder }: { dataDir: string; transcoder: Transcoder },
	conversationId: string,
	tracks: [TrackFile, TrackFile]
): Promise<MixedCopy> {
	const placed: PlacedTrack[] = [];
	for (const t of tracks) {
		const pcm = await decodeToPcm(transcoder, await readFile(join(dataDir, t.filePath)));
		placed.push({ pcm, startedAtServerMs: t.startedAtServerMs, samplesPerSecond: t.samplesPerSecond });
	}
	const [first, second] = placed as [PlacedTrack, PlacedTrack];
	const mix = mixStereo(first, second);
	const { 'copy.opus': encoded } = await transcoder.run(
		[
			'-f',
			's16le',
			'-ar',
			String(COPY_SAMPLE_RATE),
			'-ac',
			'2',
			'-i',
			'mix.raw',
			'-c:a',
			'libopus',
			'-b:a',
			COPY_BITRATE,
			'copy.opus'
		],
		{ 'mix.raw': interleave(mix.left, mix.right) },
		['copy.opus']
	);
	if (!encoded) throw new Error('encoding the copy gave no file');
	await mkdir(join(dataDir, COPIES_DIR), { recursive: true });
	const filePath = join(COPIES_DIR, `${conversationId}.opus`);
	await writeWhole(join(dataDir, filePath), encoded);
	return {
		filePath,
		sha256: createHash('sha256').update(encoded).digest('hex'),
		bytes: encoded.byteLength,
		durationMs: Math.round((mix.left.length / COPY_SAMPLE_RATE) * 1000),
		loudness: mix.loudness
	};
}

/**
 * Writes to a temporary name, syncs, then renames over the final name (atomic on one file system):
 * a crash mid-write leaves the old copy or none, never half a file (issue #6, mix restarted after a
 * crash). The temporary name is fixed, so a rerun overwrites any leftover instead of piling them up.
 */
export async function writeWhole(path: string, bytes: Uint8Array): Promise<void> {
	const partial = `${path}.partial`;
	const handle = await open(partial, 'w');
	try {
		await handle.writeFile(bytes);
		await handle.sync();
	} finally {
		await handle.close();
	}
	await rename(partial, path);
}
