import type { FFmpeg } from '@ffmpeg/ffmpeg';
import type { UploadKind } from '../core/upload-plan';

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

/**
 * The share track: Opus, mono, 24 kbps with constrained VBR, so it stays under the 32 kbps cap and
 * about 180 KB per minute (goal: 240). The master: FLAC of the 48 kHz capture, bit for bit.
 */
const CODEC_ARGS: Record<UploadKind, { args: string[]; file: string }> = {
	share: {
		args: ['-c:a', 'libopus', '-b:a', '24k', '-vbr', 'constrained', '-application', 'voip', '-ac', '1'],
		file: 'share.opus'
	},
	master: { args: ['-c:a', 'flac', '-compression_level', '5'], file: 'master.flac' }
};

export const MIME: Record<UploadKind, string> = { share: 'audio/ogg', master: 'audio/flac' };

export async function encodePcm({
	pcm,
	sampleRate,
	kind,
	onProgress
}: {
	/** 16-bit little-endian mono PCM. */
	pcm: Uint8Array;
	sampleRate: number;
	kind: UploadKind;
	onProgress?: (fraction: number) => void;
}): Promise<Uint8Array> {
	const ffmpeg = await load();
	const { args, file } = CODEC_ARGS[kind];
	const progress = ({ progress }: { progress: number }) => onProgress?.(Math.min(1, Math.max(0, progress)));
	ffmpeg.on('progress', progress);
	try {
		await ffmpeg.writeFile('in.raw', pcm);
		const code = await ffmpeg.exec([
			'-f',
			's16le',
			'-ar',
			String(sampleRate),
			'-ac',
			'1',
			'-i',
			'in.raw',
			...args,
			file
		]);
		if (code !== 0) throw new Error(`The encoder stopped with code ${code}`);
		const out = await ffmpeg.readFile(file);
		if (typeof out === 'string') throw new Error('The encoder returned text instead of audio');
		return out;
	} finally {
		ffmpeg.off('progress', progress);
		await ffmpeg.deleteFile('in.raw').catch(() => undefined);
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
	kind: UploadKind;
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
