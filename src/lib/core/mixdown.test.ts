import { describe, expect, it } from 'vitest';
import { fitClock } from './clock-fit';
import { combineQuarters, gatedLoudness, integratedLoudness, kWeightedQuarters } from './loudness';
import { mixStereo, planMix, renderInterleaved, type PlacedTrack } from './mixdown';

const RATE = 48_000;

/** A quiet noise bed with short loud clicks at the given server times, as a device with `ppm` drift would record it. */
function trackWithClicks({
	startMs,
	seconds,
	ppm,
	clicksAtMs
}: {
	startMs: number;
	seconds: number;
	ppm: number;
	clicksAtMs: number[];
}): PlacedTrack {
	const samplesPerSecond = RATE * (1 + ppm / 1e6);
	const pcm = new Float32Array(Math.round(seconds * samplesPerSecond));
	let seed = 7;
	for (let i = 0; i < pcm.length; i++) {
		seed = (seed * 16807) % 2147483647;
		pcm[i] = (seed / 2147483647 - 0.5) * 0.01;
	}
	for (const at of clicksAtMs) {
		const sample = Math.round(((at - startMs) / 1000) * samplesPerSecond);
		for (let k = 0; k < 48; k++)
			if (pcm[sample + k] !== undefined) pcm[sample + k] = 0.8 * Math.sin((2 * Math.PI * k) / 12);
	}
	return { pcm, startedAtServerMs: startMs, samplesPerSecond };
}

/** Where (in ms from the start of the channel) the loudest sample is in each window around an expected click. */
function clickPositionsMs(channel: Float32Array, expectedMs: number[]): number[] {
	return expectedMs.map((ms) => {
		const from = Math.max(0, Math.round(((ms - 200) / 1000) * RATE));
		const to = Math.min(channel.length, Math.round(((ms + 200) / 1000) * RATE));
		let best = from;
		for (let i = from; i < to; i++) if (Math.abs(channel[i] ?? 0) > Math.abs(channel[best] ?? 0)) best = i;
		return (best / RATE) * 1000;
	});
}

describe('mixStereo', () => {
	it('aligns two tracks with a known offset and opposite drift to within 20 ms', () => {
		// The same clicks heard by both devices at the same server times; B started 1.337 s later and
		// its sound card runs 100 ppm fast while A's runs 80 ppm slow (11 ms apart per minute).
		const clicks = [5_000, 30_000, 55_000, 68_000];
		const a = trackWithClicks({ startMs: 1_000, seconds: 70, ppm: -80, clicksAtMs: clicks });
		const b = trackWithClicks({ startMs: 2_337, seconds: 69, ppm: 100, clicksAtMs: clicks });
		const mix = mixStereo(a, b);
		expect(mix.startMs).toBe(1_000);
		const expected = clicks.map((c) => c - mix.startMs);
		const left = clickPositionsMs(mix.left, expected);
		const right = clickPositionsMs(mix.right, expected);
		left.forEach((l, i) => {
			expect(Math.abs(l - (expected[i] ?? 0))).toBeLessThan(20);
			expect(Math.abs(l - (right[i] ?? 0))).toBeLessThan(20);
		});
	}, 30_000);

	it('would be misaligned without the drift correction (the test can fail)', () => {
		const clicks = [65_000];
		const b = trackWithClicks({ startMs: 0, seconds: 70, ppm: 400, clicksAtMs: clicks });
		const uncorrected = mixStereo({ ...b, samplesPerSecond: RATE }, b);
		const [l] = clickPositionsMs(uncorrected.left, clicks);
		const [r] = clickPositionsMs(uncorrected.right, clicks);
		expect(Math.abs((l ?? 0) - (r ?? 0))).toBeGreaterThan(20);
	});

	it('brings the pair to about -16 LUFS and never clips', () => {
		const a = trackWithClicks({ startMs: 0, seconds: 10, ppm: 0, clicksAtMs: [] });
		const b = trackWithClicks({ startMs: 0, seconds: 10, ppm: 0, clicksAtMs: [] });
		for (let i = 0; i < b.pcm.length; i++) b.pcm[i] = 0.05 * Math.sin((2 * Math.PI * 440 * i) / RATE);
		const mix = mixStereo(a, b);
		expect(mix.loudness).toBeGreaterThan(-17);
		expect(mix.loudness).toBeLessThan(-15);
		// The quiet voice was lifted to match the louder one.
		expect(integratedLoudness([mix.left])).toBeCloseTo(integratedLoudness([mix.right]), 0);
		expect(mix.right.reduce((max, x) => Math.max(max, Math.abs(x)), 0)).toBeLessThanOrEqual(0.97);
	});
});

describe('planMix and renderInterleaved', () => {
	/** Noise bed plus a tone, so the two voices differ in level and in spectrum. */
	function voice({
		startMs,
		seconds,
		ppm,
		level,
		hz
	}: {
		startMs: number;
		seconds: number;
		ppm: number;
		level: number;
		hz: number;
	}) {
		const track = trackWithClicks({ startMs, seconds, ppm, clicksAtMs: [] });
		const rate = track.samplesPerSecond;
		for (let i = 0; i < track.pcm.length; i++) {
			// Speech-like: the tone comes and goes twice a second, so the gates have something to drop.
			const on = Math.sin((2 * Math.PI * 2 * i) / rate) > 0 ? 1 : 0.05;
			track.pcm[i] = (track.pcm[i] ?? 0) * 10 * level + on * level * Math.sin((2 * Math.PI * hz * i) / rate);
		}
		return track;
	}
	const a = voice({ startMs: 1_000, seconds: 20, ppm: -80, level: 0.02, hz: 300 });
	const b = voice({ startMs: 2_337.4, seconds: 19, ppm: 100, level: 0.3, hz: 2_500 });

	it('predicts the loudness of the rendered copy within 0.1 LU of measuring it', () => {
		const mix = mixStereo(a, b);
		expect(Math.abs(mix.loudness - integratedLoudness([mix.left, mix.right]))).toBeLessThan(0.1);
		expect(Math.abs(integratedLoudness([mix.left]) - integratedLoudness([mix.right]))).toBeLessThan(0.1);
		expect(mix.loudness).toBeGreaterThan(-16.1);
		expect(mix.loudness).toBeLessThan(-15.9);
	});

	it('renders the same samples in chunks as in one piece, left = first track', () => {
		const plan = planMix(a, b);
		const whole = mixStereo(a, b);
		const chunk = 48_000 * 3 + 17;
		for (let from = 0; from < plan.length; from += chunk) {
			const count = Math.min(chunk, plan.length - from);
			const part = renderInterleaved([a, b], plan, { from, count });
			for (let i = 0; i < count; i += 997) {
				expect(part[2 * i]).toBe(whole.left[from + i]);
				expect(part[2 * i + 1]).toBe(whole.right[from + i]);
			}
		}
		// B starts 1.34 s after A: its side is silent until then.
		expect(whole.right.subarray(0, 48_000).every((x) => x === 0)).toBe(true);
		expect(whole.left.subarray(0, 48_000).some((x) => x !== 0)).toBe(true);
	});

	it('brings a lone voice to the target when the other is silent', () => {
		const silent = { ...b, pcm: new Float32Array(b.pcm.length) };
		const mix = mixStereo(a, silent);
		expect(mix.right.every((x) => x === 0)).toBe(true);
		expect(Math.abs(integratedLoudness([mix.left, mix.right]) - -16)).toBeLessThan(0.1);
	});
});

describe('loudness from quarter energies', () => {
	const sine = (amplitude: number) =>
		new Float32Array(RATE * 5).map((_, i) => amplitude * Math.sin((2 * Math.PI * 1000 * i) / RATE));

	it('scales with the square of a gain, as measuring the scaled channel does', () => {
		const x = trackWithClicks({ startMs: 0, seconds: 5, ppm: 0, clicksAtMs: [1_000, 3_000] }).pcm;
		const grid = { start: 0, length: 4_800, count: Math.floor(x.length / 4_800) };
		const scaled = x.map((v) => v * 3.7);
		const predicted = gatedLoudness(combineQuarters([kWeightedQuarters(x, grid)], [3.7]), 4_800);
		expect(Math.abs(predicted - integratedLoudness([scaled]))).toBeLessThan(0.01);
	});

	it('gives the reference -23 LUFS on a grid that does not start at the first sample', () => {
		const grid = { start: -1_234.5, length: 4_800.48, count: 40 };
		expect(gatedLoudness(kWeightedQuarters(sine(0.1), grid), 4_800.48)).toBeCloseTo(-23.01, 1);
	});
});

describe('integratedLoudness', () => {
	it('measures a -20 dBFS 1 kHz sine on one channel at -23 LUFS (BS.1770 reference)', () => {
		const sine = new Float32Array(RATE * 5).map((_, i) => 0.1 * Math.sin((2 * Math.PI * 1000 * i) / RATE));
		expect(integratedLoudness([sine])).toBeCloseTo(-23.01, 1);
		expect(integratedLoudness([new Float32Array(RATE)])).toBe(-Infinity);
	});
});

describe('fitClock', () => {
	it('recovers the start and the true rate from jittery segment stamps', () => {
		const rate = RATE * (1 + 60e-6);
		const points = Array.from({ length: 600 }, (_, k) => {
			const sample = k * 24_000;
			return { sample, serverMs: 5_000 + (sample / rate) * 1000 + ((k * 7919) % 9) - 4 };
		});
		const fit = fitClock(points, RATE);
		expect(Math.abs(fit.startedAtServerMs - 5_000)).toBeLessThan(2);
		expect(Math.abs(fit.samplesPerSecond / rate - 1)).toBeLessThan(5e-6);
	});

	const stamps = (rate: number, seconds: number) =>
		Array.from({ length: seconds * 2 }, (_, k) => {
			const sample = k * 24_000;
			return { sample, serverMs: 5_000 + (sample / rate) * 1000 + ((k * 7919) % 41) - 20 };
		});

	it('believes a recorder that loses 1.1 % of its samples once it has 20 s of stamps, not before', () => {
		const slow = RATE * (1 - 0.011);
		// Four seconds: 1.1 % could be the jitter of a few stamps; the nominal rate is the safer guess.
		expect(fitClock(stamps(slow, 4), RATE).samplesPerSecond).toBe(RATE);
		// A whole call: the slope is the recorder's, and placing by it keeps the start where it was.
		const long = fitClock(stamps(slow, 600), RATE);
		expect(Math.abs(long.samplesPerSecond / slow - 1)).toBeLessThan(1e-4);
		expect(Math.abs(long.startedAtServerMs - 5_000)).toBeLessThan(5);
		const minute = fitClock(stamps(slow, 60), RATE);
		expect(Math.abs(minute.startedAtServerMs - long.startedAtServerMs)).toBeLessThan(10);
		// Beyond 5 % it is not a microphone but a broken clock estimate: nominal again.
		expect(fitClock(stamps(RATE * 0.9, 600), RATE).samplesPerSecond).toBe(RATE);
	});
});
