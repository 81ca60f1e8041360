import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
	COPY_SAMPLE_RATE,
	planMix,
	renderInterleaved,
	type MixPlan,
	type PlacedTrack
} from '../../../src/lib/core/mixdown.ts';
import type { ConversationRecord, TrackFile } from '../store/types.ts';
import { readBlob, type BlobStore } from './blob-store.ts';
import type { Transcoder } from './ffmpeg.ts';

export const COPIES_DIR = 'copies';
/**
 * Stereo Opus: one voice per side; 64 kbps is transparent for speech and ~29 MB for 60 minutes.
 * Constrained VBR keeps it there: plain VBR gave ~117 kbps on speech, twice the download on 3G.
 */
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
	// Straight to 32-bit float, the decoder's own format: no conversion loop in JavaScript.
	const { 'out.raw': raw } = await transcoder.run(
		['-i', 'in.audio', '-f', 'f32le', '-ac', '1', '-ar', String(COPY_SAMPLE_RATE), 'out.raw'],
		{ 'in.audio': bytes },
		['out.raw']
	);
	if (!raw) throw new Error('decoding gave no samples');
	const whole = raw.byteOffset % 4 === 0 ? raw : raw.slice();
	return new Float32Array(whole.buffer, whole.byteOffset, Math.floor(whole.byteLength / 4));
}

/** Five seconds of interleaved stereo (1.9 MB) per chunk fed to the encoder. */
const CHUNK_SAMPLES = 5 * COPY_SAMPLE_RATE;

async function* renderedChunks(
	tracks: [PlacedTrack, PlacedTrack],
	plan: MixPlan
): AsyncGenerator<Uint8Array> {
	for (let from = 0; from < plan.length; from += CHUNK_SAMPLES) {
		const count = Math.min(CHUNK_SAMPLES, plan.length - from);
		yield new Uint8Array(renderInterleaved(tracks, plan, { from, count }).buffer);
	}
}

/**
 * The ffmpeg.wasm core (0.12.x) overflows its stack in libopus' stereo encoder with 20 ms frames
 * ("memory access out of bounds", ffmpegwasm/ffmpeg.wasm#591, fixed upstream by a larger stack in
 * #824 but not released). 10 ms frames stay within it; the system ffmpeg keeps the default 20 ms.
 */
const WASM_STEREO_OPUS = ['-frame_duration', '10'];

export type MixedCopy = {
	filePath: string;
	sha256: string;
	bytes: number;
	durationMs: number;
	loudness: number;
	/** Where the job's time went, for the log (issue #6: stop to copy within 60 s). */
	stepsMs: { decode: number; plan: number; encode: number };
};

/**
 * Decodes both share tracks (at once where the system ffmpeg can run two), plans the mix
 * (core/mixdown), and renders it chunk by chunk into the stereo Opus encoder; the copy is filed
 * whole as copies/<id>.opus in the blob store. Only the decoded voices are held whole, never the
 * stereo mix.
 */
export async function produceCopy(
	{ blobs, transcoder }: { blobs: BlobStore; transcoder: Transcoder },
	conversationId: string,
	tracks: [TrackFile, TrackFile]
): Promise<MixedCopy> {
	const started = performance.now();
	const placed = await Promise.all(
		tracks.map(async (t): Promise<PlacedTrack> => {
			const pcm = await decodeToPcm(transcoder, await readBlob(blobs, t.filePath));
			return { pcm, startedAtServerMs: t.startedAtServerMs, samplesPerSecond: t.samplesPerSecond };
		})
	);
	const voices = placed as [PlacedTrack, PlacedTrack];
	const decoded = performance.now();
	const plan = planMix(...voices);
	const planned = performance.now();
	const rate = String(COPY_SAMPLE_RATE);
	const { 'copy.opus': encoded } = await transcoder.run(
		[
			...['-f', 'f32le', '-ar', rate, '-ac', '2', '-i', 'mix.raw'],
			...['-c:a', 'libopus', '-b:a', COPY_BITRATE, '-vbr', 'constrained'],
			...(transcoder.kind === 'wasm' ? WASM_STEREO_OPUS : []),
			'copy.opus'
		],
		{ 'mix.raw': renderedChunks(voices, plan) },
		['copy.opus']
	);
	if (!encoded) throw new Error('encoding the copy gave no file');
	const encodedAt = performance.now();
	const filePath = join(COPIES_DIR, `${conversationId}.opus`);
	await blobs.put(filePath, { bytes: encoded });
	return {
		filePath,
		sha256: createHash('sha256').update(encoded).digest('hex'),
		bytes: encoded.byteLength,
		durationMs: Math.round((plan.length / COPY_SAMPLE_RATE) * 1000),
		loudness: plan.loudness,
		stepsMs: {
			decode: Math.round(decoded - started),
			plan: Math.round(planned - decoded),
			encode: Math.round(encodedAt - planned)
		}
	};
}
