import type { TrackKind } from '../contracts/consent';

/**
 * The one table of encoder settings (issue #16). The share track: Opus, mono, 24 kbps with
 * constrained VBR, so it stays under the 32 kbps cap and about 180 KB per minute (goal: 240). The
 * master: FLAC of the 48 kHz capture, bit for bit. The browser's ffmpeg.wasm (media/encoder.ts), its
 * WebCodecs Opus (media/webcodecs-opus.ts, bitrate only) and the server, when it encodes a kiosk's
 * raw recording (sync-server/src/kiosk/sealed-recording.ts), all read it, so a track is a track.
 */
export const ENCODER_SETTINGS: Record<
	TrackKind,
	{ codecArgs: readonly string[]; file: string; mime: string; bitrate?: number }
> = {
	share: {
		codecArgs: ['-c:a', 'libopus', '-b:a', '24k', '-vbr', 'constrained', '-application', 'voip', '-ac', '1'],
		file: 'share.opus',
		mime: 'audio/ogg',
		bitrate: 24_000
	},
	master: { codecArgs: ['-c:a', 'flac', '-compression_level', '5'], file: 'master.flac', mime: 'audio/flac' }
};

/** The name of the raw input in ffmpeg's file system. */
export const PCM_INPUT = 'in.raw';

/** ffmpeg's whole command line for one track from 16-bit little-endian mono PCM in `PCM_INPUT`. */
export function ffmpegEncodeArgs(kind: TrackKind, sampleRate: number): string[] {
	const { codecArgs, file } = ENCODER_SETTINGS[kind];
	return ['-f', 's16le', '-ar', String(sampleRate), '-ac', '1', '-i', PCM_INPUT, ...codecArgs, file];
}
