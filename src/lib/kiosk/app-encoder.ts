import type { SealEncoder } from './seal-recording';

/**
 * What a kiosk encodes a visitor's recording with before sealing it (issue #16): the app's own
 * encoder (media/encoder.ts: WebCodecs Opus where the browser has it, else ffmpeg.wasm; FLAC by
 * ffmpeg.wasm), loaded only at Finish. Its own module, so the kiosk's sealing code stays runnable
 * in Node, where the server's tests give it another encoder.
 */
export const appEncoder: SealEncoder = async (input) =>
	(await (await import('../media/encoder')).encodeTrack(input)).file;
