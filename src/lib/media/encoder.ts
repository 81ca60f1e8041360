import type { FFmpeg } from '@ffmpeg/ffmpeg';
import type { TrackKind } from '../contracts/consent';
import { ENCODER_SETTINGS, ffmpegEncodeArgs, PCM_INPUT } from '../core/encoder-settings';

/**
 * Encoding in the browser (issue #6): ffmpeg.wasm, which runs in its own Web Worker, with the core
 * served from our origin (/ffmpeg, copied from node_modules at build time). Loaded only when a
 * recording needs encoding, never on first paint; the service worker caches it for offline use.
 */
let loading: Promise<FFmpeg> | undefined;

function load(): Promise<FFmpeg> {
	loading ??= (async () => {
		const { FFmpeg } = await import('@ffmpeg/ffmpeg');
		const ffmpeg = new FFmpeg();
		const base = new URL('/ffmpeg/', location.origin).href;
		await ffmpeg.load({ coreURL: `${base}ffmpeg-core.js`, wasmURL: `${base}ffmpeg-core.wasm` });
		return ffmpeg;
	})().catch((error: unknown) => {
		loading = undefined;
		throw error;
	});
	return loading;
}

/** The encoded file's MIME type, by kind (from the one table of encoder settings, core/encoder-settings). */
export const MIME: Record<TrackKind, string> = {
	share: ENCODER_SETTINGS.share.mime,
	master: ENCODER_SETTINGS.master.mime
};

export async function encodePcm({
	pcm,
	sampleRate,
	kind,
	onProgress
}: {
	/** 16-bit little-endian mono PCM. */
	pcm: Uint8Array;
	sampleRate: number;
	kind: TrackKind;
	onProgress?: (fraction: number) => void;
}): Promise<Uint8Array> {
	const ffmpeg = await load();
	const { file } = ENCODER_SETTINGS[kind];
	const progress = ({ progress }: { progress: number }) => onProgress?.(Math.min(1, Math.max(0, progress)));
	ffmpeg.on('progress', progress);
	try {
		await ffmpeg.writeFile(PCM_INPUT, pcm);
		const code = await ffmpeg.exec(ffmpegEncodeArgs(kind, sampleRate));
		if (code !== 0) throw new Error(`The encoder stopped with code ${code}`);
		const out = await ffmpeg.readFile(file);
		if (typeof out === 'string') throw new Error('The encoder returned text instead of audio');
		return out;
	} finally {
		ffmpeg.off('progress', progress);
		await ffmpeg.deleteFile(PCM_INPUT).catch(() => undefined);
		await ffmpeg.deleteFile(file).catch(() => undefined);
	}
}

export type EncoderName = 'webcodecs' | 'ffmpeg.wasm';

/**
 * Encodes one track. The share track uses the browser's WebCodecs Opus where it exists (measured
 * faster than ffmpeg.wasm in Chromium, and it needs no 31 MB core: `npm run bench`,
 * opus_webcodecs_vs_ffmpeg_wasm); anywhere else, or if it fails, ffmpeg.wasm as before. The master
 * (FLAC) is always ffmpeg.wasm: WebCodecs has no lossless audio encoder.
 */
export async function encodeTrack(input: {
	pcm: Uint8Array;
	sampleRate: number;
	kind: TrackKind;
	onProgress?: (fraction: number) => void;
}): Promise<{ file: Uint8Array; encoder: EncoderName }> {
	if (input.kind === 'share') {
		const { canEncodeOpusNatively } = await import('./webcodecs-opus');
		if (await canEncodeOpusNatively(input.sampleRate)) {
			const { encodeOpusNatively } = await import('./native-encoder');
			try {
				return { file: await encodeOpusNatively(input), encoder: 'webcodecs' };
			} catch (error) {
				console.warn('WebCodecs could not encode the share track; using ffmpeg.wasm instead', error);
			}
		}
	}
	return { file: await encodePcm(input), encoder: 'ffmpeg.wasm' };
}

export async function sha256Hex(bytes: Uint8Array | ArrayBuffer): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', bytes as ArrayBuffer);
	return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
