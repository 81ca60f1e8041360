import { describe, expect, it } from 'vitest';
import { KWeightedMeter, kWeightedQuarters } from './loudness';
import { PEAK_CEILING, planMix, renderInterleaved, type PlacedTrack } from './mixdown';
import { PIECE_SAMPLES, ProgressiveMixer, RENDER_LAG_SAMPLES } from './progressive-mix';

const RATE = 48_000;

/** Deterministic speech-like noise: a pseudo-random signal whose level swells and falls, plus a beep at `beepAt` s. */
function voice({
	seconds,
	level,
	seed,
	beepAt
}: {
	seconds: number;
	level: number;
	seed: number;
	beepAt?: number;
}) {
	const pcm = new Float32Array(seconds * RATE);
	let x = seed;
	for (let i = 0; i < pcm.length; i++) {
		x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
		const swell = 0.5 + 0.5 * Math.sin((2 * Math.PI * i) / (RATE * 1.7));
		pcm[i] = level * swell * (x / 2_147_483_648 - 0.5);
	}
	if (beepAt !== undefined)
		for (let i = 0; i < RATE / 10; i++)
			pcm[Math.round(beepAt * RATE) + i] = 0.6 * Math.sin((2 * Math.PI * 1000 * i) / RATE);
	return pcm;
}

/** Feeds both voices in pieces of the given sizes (turn about), collecting every piece the mixer gives. */
function mixProgressively(tracks: [PlacedTrack, PlacedTrack], sizes: [number, number]): Float32Array {
	const mixer = new ProgressiveMixer(tracks);
	const out: Float32Array[] = [];
	const fed = [0, 0];
	while (fed[0]! < tracks[0].pcm.length || fed[1]! < tracks[1].pcm.length) {
		for (const ch of [0, 1] as const) {
			const pcm = tracks[ch].pcm;
			const next = Math.min(pcm.length, fed[ch]! + sizes[ch]);
			if (next > fed[ch]!) mixer.push(ch, pcm.subarray(fed[ch], next));
			fed[ch] = next;
		}
		out.push(...mixer.take());
	}
	mixer.end(0);
	mixer.end(1);
	out.push(...mixer.take());
	expect(mixer.rendered).toBe(mixer.length);
	return join(out);
}

function join(parts: Float32Array[]): Float32Array {
	const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		all.set(p, at);
		at += p.length;
	}
	return all;
}

/** The first output sample of one side above half its peak. */
function onset(interleaved: Float32Array, side: 0 | 1): number {
	let max = 0;
	for (let i = side; i < interleaved.length; i += 2) max = Math.max(max, Math.abs(interleaved[i]!));
	let i = side;
	while (Math.abs(interleaved[i]!) <= max / 2) i += 2;
	return i >> 1;
}

/** The lag (−3…3 samples) at which one side of `mix` best matches `reference` over 0.5 s around `at`. */
function bestLag(mix: Float32Array, reference: Float32Array, side: 0 | 1, at: number): number {
	let best = { lag: NaN, score: -Infinity };
	for (let lag = -3; lag <= 3; lag++) {
		let score = 0;
		for (let i = at - RATE / 4; i < at + RATE / 4; i++)
			score += mix[2 * (i + lag) + side]! * reference[2 * i + side]!;
		if (score > best.score) best = { lag, score };
	}
	return best.lag;
}

describe('the copy mixed during the call', () => {
	// A starts at 1000 s; B 1.25 s later and quieter. Each beeps at server time 1010 s.
	const a: PlacedTrack = {
		pcm: voice({ seconds: 40, level: 0.3, seed: 1, beepAt: 10 }),
		startedAtServerMs: 1_000_000,
		samplesPerSecond: RATE
	};
	const b: PlacedTrack = {
		pcm: voice({ seconds: 39, level: 0.08, seed: 2, beepAt: 8.75 }),
		startedAtServerMs: 1_001_250,
		samplesPerSecond: RATE * (1 + 40e-6)
	};

	it('places both voices sample for sample where the whole-file mix does, and converges to its gains', () => {
		const plan = planMix(a, b);
		const whole = renderInterleaved([a, b], plan, { from: 0, count: plan.length });
		const progressive = mixProgressively([a, b], [7_000, 11_000]);
		expect(progressive.length).toBe(whole.length);
		// The whole-file mix has both beeps at the same moment; the progressive one matches it on each
		// side at lag 0, not a sample either way (its gains differ early on, so no threshold is used).
		// (B's beep was made at the nominal rate, so its 40 ppm puts it 0.35 ms early: 17 samples.)
		expect(Math.abs(onset(whole, 0) - onset(whole, 1))).toBeLessThanOrEqual(24);
		for (const side of [0, 1] as const) expect(bestLag(progressive, whole, side, onset(whole, side))).toBe(0);
		// Once the gains settle (the last 20 s), each side is the whole-file side times a constant near 1.
		for (const side of [0, 1]) {
			let pw = 0;
			let ww = 0;
			for (let i = whole.length / 2 - 20 * RATE; i < whole.length / 2; i++) {
				pw += progressive[2 * i + side]! * whole[2 * i + side]!;
				ww += whole[2 * i + side]! ** 2;
			}
			const ratio = pw / ww;
			expect(Math.abs(20 * Math.log10(ratio))).toBeLessThan(0.5);
			let worst = 0;
			for (let i = whole.length / 2 - 20 * RATE; i < whole.length / 2; i++)
				worst = Math.max(worst, Math.abs(progressive[2 * i + side]! - ratio * whole[2 * i + side]!));
			// Within 3 % of full scale: what the gains still move by a fraction of a dB, piece to piece.
			expect(worst).toBeLessThan(0.03);
		}
	});

	it('gives the same samples however the pieces arrive, so a mix begun again after a crash is the same copy', () => {
		const trickled = mixProgressively([a, b], [4_800, 1_000]);
		const atOnce = mixProgressively([a, b], [a.pcm.length, b.pcm.length]);
		expect(trickled.length).toBe(atOnce.length);
		let differing = 0;
		for (let i = 0; i < atOnce.length; i++) if (trickled[i] !== atOnce[i]) differing++;
		expect(differing).toBe(0);
	});

	it('renders only whole pieces both voices reach until both have ended', () => {
		const mixer = new ProgressiveMixer([a, b], { lagSamples: 0 });
		mixer.push(0, a.pcm.subarray(0, 12 * RATE));
		// B has nothing yet; it starts 1.25 s after A, so A's first 1.25 s are all that is certain, less than a piece.
		expect(mixer.take()).toEqual([]);
		mixer.push(1, b.pcm.subarray(0, 9 * RATE));
		// B reaches output 10.25 s, A 12 s: two pieces of 5 s.
		const pieces = mixer.take();
		expect(pieces.map((p) => p.length / 2)).toEqual([PIECE_SAMPLES, PIECE_SAMPLES]);
		expect(mixer.length).toBeUndefined();
	});

	it('holds a peak louder than any before it under the ceiling without clipping it flat', () => {
		const quietThenLoud: PlacedTrack = {
			pcm: voice({ seconds: 20, level: 0.05, seed: 3 }),
			startedAtServerMs: 0,
			samplesPerSecond: RATE
		};
		// A full-scale burst 15 s in, after the gains were planned on the quiet part.
		for (let i = 0; i < 2_000; i++) quietThenLoud.pcm[15 * RATE + i] = i % 2 ? 1 : -1;
		const other: PlacedTrack = { ...quietThenLoud, pcm: voice({ seconds: 20, level: 0.05, seed: 4 }) };
		const out = mixProgressively([quietThenLoud, other], [RATE, RATE]);
		let max = 0;
		let atCeiling = 0;
		for (let i = 0; i < out.length; i += 2) {
			max = Math.max(max, Math.abs(out[i]!));
			if (Math.abs(out[i]!) >= PEAK_CEILING - 1e-6) atCeiling++;
		}
		expect(max).toBeLessThanOrEqual(PEAK_CEILING + 1e-6);
		// The limiter lowers the gain before the burst; a hard clip would flatten most of its 2,000 samples.
		expect(atCeiling).toBeLessThan(50);
	});

	it('measures a channel in pieces exactly as at once', () => {
		const pcm = a.pcm.subarray(0, 3 * RATE);
		const meter = new KWeightedMeter(4_800);
		for (let at = 0; at < pcm.length; at += 3_333) meter.push(pcm.subarray(at, at + 3_333));
		const whole = kWeightedQuarters(pcm, { start: 0, length: 4_800, count: 30 });
		const pieces = meter.quarters();
		expect(pieces.length).toBe(30);
		pieces.forEach((q, k) => expect(q).toBeCloseTo(whole[k]!, 9));
	});
});

describe('a recorder whose true rate is not the nominal one (issue #16)', () => {
	// Chromium's fake microphone on a loaded machine delivered 47,560 samples a second, not 48,000: 0.9 %,
	// which puts a voice placed at the nominal rate 5.5 s off by the end of a 10-minute call.
	const slow = RATE * (1 - 0.009);
	const seconds = 60;
	const track = (seed: number, start: number, beepAt: number): PlacedTrack => ({
		pcm: voice({ seconds, level: 0.2, seed, beepAt }),
		startedAtServerMs: start,
		samplesPerSecond: slow
	});
	// Both beep at server time 1050 s: A's at source second 50 × 0.991, B's 2 s later in its own samples' terms.
	const a = track(1, 1_000_000, 50 * (1 - 0.009));
	const b = track(2, 1_002_000, 48 * (1 - 0.009));
	const nominal = (t: PlacedTrack) => ({ startedAtServerMs: t.startedAtServerMs, samplesPerSecond: RATE });

	/** Mixes with fits as a live upload gives them: nominal at first, the true ones from `knownAfter` s on. */
	function mixWithFits(knownAfter: number | undefined) {
		const mixer = new ProgressiveMixer([nominal(a), nominal(b)]);
		const out: Float32Array[] = [];
		const step = RATE;
		for (let at = 0; at < a.pcm.length; at += step) {
			if (knownAfter !== undefined && at >= knownAfter * RATE) {
				mixer.updateFit(0, a);
				mixer.updateFit(1, b);
			}
			mixer.push(0, a.pcm.subarray(at, at + step));
			mixer.push(1, b.pcm.subarray(at, at + step));
			out.push(...mixer.take());
		}
		// The declarations at the end give the true fits; the tail is placed by them.
		mixer.updateFit(0, a);
		mixer.updateFit(1, b);
		mixer.end(0);
		mixer.end(1);
		out.push(...mixer.take());
		return { mix: join(out), mixer };
	}

	it('follows the fits the upload sends, and places both voices where the whole-file mix does', () => {
		const plan = planMix(a, b);
		const whole = renderInterleaved([a, b], plan, { from: 0, count: plan.length });
		const { mix, mixer } = mixWithFits(4);
		expect(mixer.placedAsBy([a, b])).toBe(true);
		expect(mix.length).toBe(whole.length);
		// Each beep where the whole-file mix has it, within 1 ms (48 samples).
		for (const side of [0, 1] as const)
			expect(Math.abs(onset(mix, side) - onset(whole, side))).toBeLessThan(48);
	});

	it('says it is not the copy when the voices were placed at the nominal rate all along', () => {
		const { mixer } = mixWithFits(undefined);
		// 30 s of lag and 0.2 % of stretch can't make up 0.9 % over a minute.
		expect(mixer.placedAsBy([a, b])).toBe(false);
	});

	it('waits RENDER_LAG_SAMPLES behind the samples that arrived, so they are placed by a fit measured past them', () => {
		const mixer = new ProgressiveMixer([a, b]);
		mixer.push(0, a.pcm.subarray(0, RENDER_LAG_SAMPLES + 4 * RATE));
		mixer.push(1, b.pcm.subarray(0, RENDER_LAG_SAMPLES + 4 * RATE));
		expect(mixer.take()).toEqual([]);
		mixer.push(0, a.pcm.subarray(RENDER_LAG_SAMPLES + 4 * RATE, RENDER_LAG_SAMPLES + 9 * RATE));
		mixer.push(1, b.pcm.subarray(RENDER_LAG_SAMPLES + 4 * RATE, RENDER_LAG_SAMPLES + 9 * RATE));
		expect(mixer.take().map((p) => p.length / 2)).toEqual([PIECE_SAMPLES]);
	});

	it('says the mix moved one voice against the other when the declarations disagree with it by more than 20 ms', () => {
		const { mixer } = mixWithFits(4);
		const later = (t: PlacedTrack, ms: number) => ({ ...t, startedAtServerMs: t.startedAtServerMs + ms });
		expect(mixer.placedAsBy([a, later(b, 15)])).toBe(true);
		expect(mixer.placedAsBy([a, later(b, 30)])).toBe(false);
		// Both moved together by 30 ms is the same copy, 30 ms later on the server clock; 150 ms is not.
		expect(mixer.placedAsBy([later(a, 30), later(b, 30)])).toBe(true);
		expect(mixer.placedAsBy([later(a, 150), later(b, 150)])).toBe(false);
	});
});
