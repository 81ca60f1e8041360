import type { ClockFit } from './clock-fit';
import { integratedLoudness } from './loudness';

/**
 * The copy (issue #6, "The mixing job"): both tracks put on the server's time line, one voice per
 * side, at about -16 LUFS. Pure arithmetic on samples so it is tested with synthetic tracks.
 */
export const COPY_SAMPLE_RATE = 48_000;
export const TARGET_LUFS = -16;
/** Leave headroom below full scale; the encoder's own overshoot needs a little. */
const PEAK_CEILING = 0.97;

export type PlacedTrack = ClockFit & { pcm: Float32Array };

/** The span both tracks cover together: from the earlier start to the later end, in server ms. */
export function timelineOf(tracks: readonly PlacedTrack[]): { startMs: number; endMs: number } {
	const starts = tracks.map((t) => t.startedAtServerMs);
	const ends = tracks.map((t) => t.startedAtServerMs + (t.pcm.length / t.samplesPerSecond) * 1000);
	return { startMs: Math.min(...starts), endMs: Math.max(...ends) };
}

/**
 * Resamples a track onto the output clock: output sample i is at server time startMs + i / rate,
 * which is source sample (that time − track start) × the track's true samples per second. Linear
 * interpolation is plenty for speech at a ratio within 100 ppm of 1.
 */
export function placeOnTimeline(
	track: PlacedTrack,
	startMs: number,
	length: number,
	rate = COPY_SAMPLE_RATE
): Float32Array {
	const out = new Float32Array(length);
	const { pcm } = track;
	const offsetSamples = ((startMs - track.startedAtServerMs) / 1000) * track.samplesPerSecond;
	const ratio = track.samplesPerSecond / rate;
	for (let i = 0; i < length; i++) {
		const at = offsetSamples + i * ratio;
		const j = Math.floor(at);
		if (j < 0 || j + 1 >= pcm.length) continue;
		const frac = at - j;
		out[i] = (pcm[j] ?? 0) * (1 - frac) + (pcm[j + 1] ?? 0) * frac;
	}
	return out;
}

function gain(channel: Float32Array, factor: number) {
	for (let i = 0; i < channel.length; i++) channel[i] = (channel[i] ?? 0) * factor;
}

function peak(channels: readonly Float32Array[]): number {
	let max = 0;
	for (const c of channels) for (const x of c) max = Math.max(max, Math.abs(x));
	return max;
}

const dbToGain = (db: number) => 10 ** (db / 20);

/**
 * Aligns both tracks, balances the two voices to the same loudness, then brings the stereo pair to
 * the target loudness (lowered only if that would clip). Returns left = first track, right = second.
 */
export function mixStereo(
	first: PlacedTrack,
	second: PlacedTrack,
	{ targetLufs = TARGET_LUFS, rate = COPY_SAMPLE_RATE } = {}
): { left: Float32Array; right: Float32Array; startMs: number; loudness: number } {
	const { startMs, endMs } = timelineOf([first, second]);
	const length = Math.round(((endMs - startMs) / 1000) * rate);
	const left = placeOnTimeline(first, startMs, length, rate);
	const right = placeOnTimeline(second, startMs, length, rate);
	const voices = [left, right];
	const each = voices.map((v) => integratedLoudness([v], rate));
	const balanced = each.filter(Number.isFinite);
	const balanceTo = balanced.length ? Math.min(...balanced) : 0;
	voices.forEach((v, i) => {
		const l = each[i] ?? -Infinity;
		if (Number.isFinite(l)) gain(v, dbToGain(balanceTo - l));
	});
	const now = integratedLoudness(voices, rate);
	if (Number.isFinite(now)) {
		const wanted = dbToGain(targetLufs - now);
		const room = PEAK_CEILING / Math.max(peak(voices), 1e-9);
		voices.forEach((v) => gain(v, Math.min(wanted, room)));
	}
	return { left, right, startMs, loudness: integratedLoudness(voices, rate) };
}
