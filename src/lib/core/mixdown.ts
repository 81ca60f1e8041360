import type { ClockFit } from './clock-fit';
import { combineQuarters, gatedLoudness, kWeightedQuarters } from './loudness';

/**
 * The copy (issue #6, "The mixing job"): both tracks put on the server's time line, one voice per
 * side, at about -16 LUFS. Pure arithmetic on samples so it is tested with synthetic tracks.
 *
 * It is planned first (gains from one loudness pass per voice), then rendered in chunks, so the
 * server can stream the copy into the encoder without holding the whole stereo mix in memory.
 */
export const COPY_SAMPLE_RATE = 48_000;
export const TARGET_LUFS = -16;
/** Leave headroom below full scale; the encoder's own overshoot needs a little. */
export const PEAK_CEILING = 0.97;

export type PlacedTrack = ClockFit & { pcm: Float32Array };

/** The span both tracks cover together: from the earlier start to the later end, in server ms. */
export function timelineOf(tracks: readonly PlacedTrack[]): { startMs: number; endMs: number } {
	const starts = tracks.map((t) => t.startedAtServerMs);
	const ends = tracks.map((t) => t.startedAtServerMs + (t.pcm.length / t.samplesPerSecond) * 1000);
	return { startMs: Math.min(...starts), endMs: Math.max(...ends) };
}

/**
 * Output sample i is at server time startMs + i / rate, which is source sample (that time − track
 * start) × the track's true samples per second: this offset + i × ratio.
 */
export function sourcePosition(track: PlacedTrack, startMs: number, rate: number) {
	return {
		offset: ((startMs - track.startedAtServerMs) / 1000) * track.samplesPerSecond,
		ratio: track.samplesPerSecond / rate
	};
}

/**
 * Resamples `count` output samples from `from` onto the output clock, times `gain`, into every
 * `stride`-th slot of `out` (stride 2 writes one side of interleaved stereo). Linear interpolation
 * is plenty for speech at a ratio within 100 ppm of 1.
 */
function placeInto(
	out: Float32Array,
	{ track, startMs, from, count, rate, gain = 1, stride = 1, first = 0 }: PlaceOptions
) {
	const { pcm } = track;
	const { offset, ratio } = sourcePosition(track, startMs, rate);
	for (let i = 0; i < count; i++) {
		const at = offset + (from + i) * ratio;
		const j = Math.floor(at);
		if (j < 0 || j + 1 >= pcm.length) continue;
		const frac = at - j;
		out[first + i * stride] = gain * ((pcm[j] as number) * (1 - frac) + (pcm[j + 1] as number) * frac);
	}
}
type PlaceOptions = {
	track: PlacedTrack;
	startMs: number;
	from: number;
	count: number;
	rate: number;
	gain?: number;
	stride?: number;
	first?: number;
};

/**
 * Each voice's K-weighted energy per 100 ms of the output time line, measured on its own samples
 * (quarter k of the output maps to source samples offset + k·step·ratio onward), so the voices
 * are measured before being placed. Energies are per output sample (divided by the ratio).
 */
function quartersOnTimeline(track: PlacedTrack, startMs: number, length: number, rate: number): Float64Array {
	const step = Math.round(0.1 * rate);
	const { offset, ratio } = sourcePosition(track, startMs, rate);
	const sums = kWeightedQuarters(track.pcm, {
		start: offset,
		length: step * ratio,
		count: Math.floor(length / step)
	});
	for (let k = 0; k < sums.length; k++) sums[k] = (sums[k] as number) / ratio;
	return sums;
}

/** Interpolated samples never exceed the source's own peak, so this bounds the placed voice's peak. */
function peak(pcm: Float32Array): number {
	let max = 0;
	for (let i = 0; i < pcm.length; i++) {
		const x = Math.abs(pcm[i] as number);
		if (x > max) max = x;
	}
	return max;
}

const dbToGain = (db: number) => 10 ** (db / 20);

export type MixPlan = {
	startMs: number;
	/** Output samples per channel. */
	length: number;
	/** Linear gain of the first (left) and the second (right) voice. */
	gains: [number, number];
	/** Integrated loudness of the stereo result, in LUFS. */
	loudness: number;
};

/**
 * Balances the two voices to the same loudness, then brings the stereo pair to the target loudness
 * (lowered only if that would clip). One K-weighting pass per voice; every later loudness follows
 * from the quarter energies and the gains.
 */
export function planMix(
	first: PlacedTrack,
	second: PlacedTrack,
	{ targetLufs = TARGET_LUFS, rate = COPY_SAMPLE_RATE } = {}
): MixPlan {
	const { startMs, endMs } = timelineOf([first, second]);
	const length = Math.round(((endMs - startMs) / 1000) * rate);
	const step = Math.round(0.1 * rate);
	const voices = [first, second];
	const quarters = voices.map((v) => quartersOnTimeline(v, startMs, length, rate));
	const gains = planGains(quarters, [peak(first.pcm), peak(second.pcm)], { step, targetLufs });
	return { startMs, length, gains, loudness: gatedLoudness(combineQuarters(quarters, gains), step) };
}

/**
 * The gains of both voices from their quarter energies on the output time line and their peaks:
 * the two balanced to the same loudness, then the pair to the target, lowered only if the loudest
 * peak would clip. The whole-file plan gives it every quarter; the progressive mix (during the
 * call) what has arrived so far.
 */
export function planGains(
	quarters: readonly Float64Array[],
	peaks: readonly number[],
	{ step, targetLufs = TARGET_LUFS }: { step: number; targetLufs?: number }
): [number, number] {
	const each = quarters.map((q) => gatedLoudness(q, step));
	const balanced = each.filter(Number.isFinite);
	const balanceTo = balanced.length ? Math.min(...balanced) : 0;
	const balance = each.map((l) => (Number.isFinite(l) ? dbToGain(balanceTo - l) : 1));
	const now = gatedLoudness(combineQuarters(quarters, balance), step);
	let factor = 1;
	if (Number.isFinite(now)) {
		const loudest = Math.max(...peaks.map((p, i) => p * (balance[i] as number)));
		factor = Math.min(dbToGain(targetLufs - now), PEAK_CEILING / Math.max(loudest, 1e-9));
	}
	return [(balance[0] as number) * factor, (balance[1] as number) * factor];
}

/** Output samples [from, from + count) of the planned mix as interleaved stereo (left = first track). */
export function renderInterleaved(
	[first, second]: readonly [PlacedTrack, PlacedTrack],
	plan: MixPlan,
	{ from, count, rate = COPY_SAMPLE_RATE }: { from: number; count: number; rate?: number }
): Float32Array {
	const out = new Float32Array(count * 2);
	const base = { startMs: plan.startMs, from, count, rate, stride: 2 };
	placeInto(out, { ...base, track: first, gain: plan.gains[0], first: 0 });
	placeInto(out, { ...base, track: second, gain: plan.gains[1], first: 1 });
	return out;
}

/** The whole mix as two channels (left = first track); the server renders it in chunks instead. */
export function mixStereo(
	first: PlacedTrack,
	second: PlacedTrack,
	{ targetLufs = TARGET_LUFS, rate = COPY_SAMPLE_RATE } = {}
): { left: Float32Array; right: Float32Array; startMs: number; loudness: number } {
	const plan = planMix(first, second, { targetLufs, rate });
	const channel = (track: PlacedTrack, gain: number) => {
		const out = new Float32Array(plan.length);
		placeInto(out, { track, startMs: plan.startMs, from: 0, count: plan.length, rate, gain });
		return out;
	};
	return {
		left: channel(first, plan.gains[0]),
		right: channel(second, plan.gains[1]),
		startMs: plan.startMs,
		loudness: plan.loudness
	};
}
