import { ENCODER_SETTINGS } from '../core/encoder-settings';

/**
 * WebCodecs Opus for the share track: mono, 24 kbps VBR, 20 ms frames, tuned for speech — the
 * bitrate of the one table of encoder settings (core/encoder-settings), as ffmpeg.wasm's (at most
 * 32 kbps, issue #6).
 */
export const OPUS_FRAME_SAMPLES = 960;

export const SHARE_OPUS_CONFIG = {
	codec: 'opus',
	sampleRate: 48_000,
	numberOfChannels: 1,
	bitrate: ENCODER_SETTINGS.share.bitrate,
	bitrateMode: 'variable',
	opus: { application: 'voip', frameDuration: 20_000, format: 'opus', complexity: 10 }
} as AudioEncoderConfig;

/** Whether this browser can encode the share track natively (feature-detected, never sniffed). */
export async function canEncodeOpusNatively(sampleRate: number): Promise<boolean> {
	if (sampleRate !== SHARE_OPUS_CONFIG.sampleRate) return false;
	if (typeof AudioEncoder === 'undefined' || typeof Worker === 'undefined') return false;
	try {
		return (await AudioEncoder.isConfigSupported(SHARE_OPUS_CONFIG)).supported === true;
	} catch {
		return false;
	}
}
