import { preferRed, tuneOpus, WEAK_LINK_OPUS, type OpusSettings } from './opus-sdp';

/**
 * The call's audio settings to try on weak links (issue #18, "Make it better than the defaults"),
 * as named presets, so a bench run can measure each against plain Opus. The server's
 * CALL_AUDIO_PRESET picks one for every room (checked against this list by its valibot picklist,
 * contracts/call); unset, rooms get the default, which stays what shipped with issue #5 until the
 * shaped-link figures support another.
 *
 * - `plain`: Opus with nothing for loss: 32 kbit/s at most, 20 ms packets, no FEC, no DTX.
 * - `fec`: in-band FEC (`useinbandfec=1`): each packet also carries a coarse copy of the one
 *   before. No web API tells the encoder how much is lost; Chromium feeds it the loss the partner
 *   reports over RTCP itself, which is what makes it spend bits on FEC.
 * - `dtx`: almost nothing is sent in silence (`usedtx=1`).
 * - `fec-dtx`: both, today's settings (issue #5), the default.
 * - `red`: RED (`audio/red`, RFC 2198) first: each packet carries the previous one whole.
 * - `ptime-60`: 60 ms packets: a third of the packets, so a third of the header bits.
 * - `adaptive`: the encoder's bitrate follows the measured bandwidth and loss (`adaptBitrate`),
 *   through `RTCRtpSender.setParameters`.
 */
export const CALL_AUDIO_PRESETS = ['fec-dtx', 'plain', 'fec', 'dtx', 'red', 'ptime-60', 'adaptive'] as const;
export type CallAudioPreset = (typeof CALL_AUDIO_PRESETS)[number];
export const DEFAULT_CALL_AUDIO: CallAudioPreset = 'fec-dtx';

export type CallAudio = { opus: OpusSettings; red: boolean; adaptive: boolean };

const PLAIN: OpusSettings = { maxAverageBitrate: WEAK_LINK_OPUS.maxAverageBitrate, fec: false, dtx: false };
const plainWith = (opus: Partial<OpusSettings>, rest: Partial<CallAudio> = {}): CallAudio => ({
	opus: { ...PLAIN, ...opus },
	red: false,
	adaptive: false,
	...rest
});

export const CALL_AUDIO: Record<CallAudioPreset, CallAudio> = {
	'fec-dtx': plainWith(WEAK_LINK_OPUS),
	plain: plainWith({}),
	fec: plainWith({ fec: true }),
	dtx: plainWith({ dtx: true }),
	red: plainWith({}, { red: true }),
	'ptime-60': plainWith({ ptimeMs: 60 }),
	adaptive: plainWith({}, { adaptive: true })
};

/** The preset's settings; an absent preset is the default. */
export function callAudioOf(preset: CallAudioPreset | undefined): CallAudio {
	return CALL_AUDIO[preset ?? DEFAULT_CALL_AUDIO];
}

/** The SDP transform for the call's offers and answers: the Opus parameters, and RED first if asked. */
export function callAudioSdp(sdp: string, audio: CallAudio): string {
	const tuned = tuneOpus(sdp, audio.opus);
	return audio.red ? preferRed(tuned) : tuned;
}

export const ADAPTIVE = {
	/** The bitrates the encoder may be set to: Opus speech stays clear down to about 12 kbit/s. */
	steps: [32_000, 24_000, 16_000, 12_000],
	/** The call may take this share of the uplink's estimate; the rest is for the upload and headers. */
	shareOfAvailable: 0.4,
	/** Loss this heavy on top of it is taken for a full queue: one step lower. */
	congestedLoss: 0.1,
	/** A step up only after this many readings in a row allow it (the room reads every 2 s). */
	raiseAfter: 3
} as const;

export type AdaptiveBitrate = { bps: number; upReadings: number };
export const INITIAL_BITRATE: AdaptiveBitrate = { bps: ADAPTIVE.steps[0], upReadings: 0 };

/**
 * The `adaptive` preset's next bitrate from one reading of the uplink (core/upload-pacing's
 * LinkReading): down at once, up one step at a time once it has held, so the encoder never swings.
 */
export function adaptBitrate(
	state: AdaptiveBitrate,
	reading: { availableBps?: number; fractionLost?: number }
): AdaptiveBitrate {
	const steps = ADAPTIVE.steps;
	const fits = (bps: number) =>
		reading.availableBps === undefined || bps <= reading.availableBps * ADAPTIVE.shareOfAvailable;
	let target = steps.findIndex(fits);
	if (target < 0) target = steps.length - 1;
	if ((reading.fractionLost ?? 0) >= ADAPTIVE.congestedLoss) target = Math.min(target + 1, steps.length - 1);
	const current = Math.max(
		0,
		steps.findIndex((bps) => bps <= state.bps)
	);
	if (target > current) return { bps: steps[target]!, upReadings: 0 };
	if (target === current) return { bps: state.bps, upReadings: 0 };
	const upReadings = state.upReadings + 1;
	if (upReadings < ADAPTIVE.raiseAfter) return { bps: state.bps, upReadings };
	return { bps: steps[current - 1]!, upReadings: 0 };
}
