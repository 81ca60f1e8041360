/**
 * Integrated loudness after ITU-R BS.1770-4 (K-weighting, 400 ms blocks with 75 % overlap, absolute
 * gate at -70 LUFS and relative gate 10 LU below), for normalizing the copy to about -16 LUFS.
 * The filter coefficients are the standard's, which are given for 48 kHz: our one sample rate.
 *
 * Measuring is split in two so the mix can measure each voice once (issue #6, mix time): the
 * K-weighted energy of every 100 ms quarter, then the gating over those energies. Gains are linear,
 * so a voice scaled by g has g² times the energy in every quarter and needs no second filtering.
 */
const SHELF_B = [1.53512485958697, -2.69169618940638, 1.19839281085285] as const;
const SHELF_A = [-1.69065929318241, 0.73248077421585] as const;
const HIGHPASS_B = [1, -2, 1] as const;
const HIGHPASS_A = [-1.99004745483398, 0.99007225036621] as const;

/** Where the quarters lie in a channel's samples: quarter k is [start + k·length, start + (k+1)·length). */
export type QuarterGrid = { start: number; length: number; count: number };

/**
 * Sum of squared K-weighted samples per quarter. Both filters run in one pass with no filtered copy
 * (a copy of a 40-minute channel is 460 MB). The grid may start before the channel or run past it
 * (a voice that starts late in the mix); samples outside the grid are filtered but not counted.
 */
export function kWeightedQuarters(
	channel: Float32Array,
	{ start, length, count }: QuarterGrid
): Float64Array {
	const sums = new Float64Array(count);
	let k = Math.floor(-start / length);
	let boundary = start + (k + 1) * length;
	let x1 = 0;
	let x2 = 0;
	let s1 = 0;
	let s2 = 0;
	let y1 = 0;
	let y2 = 0;
	for (let j = 0; j < channel.length; j++) {
		const x = channel[j] as number;
		const s = SHELF_B[0] * x + SHELF_B[1] * x1 + SHELF_B[2] * x2 - SHELF_A[0] * s1 - SHELF_A[1] * s2;
		const y =
			HIGHPASS_B[0] * s + HIGHPASS_B[1] * s1 + HIGHPASS_B[2] * s2 - HIGHPASS_A[0] * y1 - HIGHPASS_A[1] * y2;
		x2 = x1;
		x1 = x;
		s2 = s1;
		s1 = s;
		y2 = y1;
		y1 = y;
		while (j >= boundary) boundary = start + (++k + 1) * length;
		if (k >= 0 && k < count) sums[k] = (sums[k] as number) + y * y;
	}
	return sums;
}

/** Gated loudness in LUFS from the summed K-weighted energy of each quarter; -Infinity for silence. */
export function gatedLoudness(quarters: ArrayLike<number>, samplesPerQuarter: number): number {
	const powers: number[] = [];
	for (let q = 0; q + 4 <= quarters.length; q++) {
		const sum = (quarters[q] as number) + (quarters[q + 1] as number);
		powers.push((sum + (quarters[q + 2] as number) + (quarters[q + 3] as number)) / (4 * samplesPerQuarter));
	}
	const lufs = (p: number) => -0.691 + 10 * Math.log10(p);
	const gated = (threshold: number) => powers.filter((p) => lufs(p) > threshold);
	const absolute = gated(-70);
	if (absolute.length === 0) return -Infinity;
	const mean = (ps: number[]) => ps.reduce((s, p) => s + p, 0) / ps.length;
	const relative = gated(lufs(mean(absolute)) - 10);
	return lufs(mean(relative.length ? relative : absolute));
}

/** Quarter energies of channels played together with these gains (each channel weighted 1.0, as for left and right). */
export function combineQuarters(channels: readonly Float64Array[], gains: readonly number[]): Float64Array {
	const out = new Float64Array(channels[0]?.length ?? 0);
	channels.forEach((c, ch) => {
		const g2 = (gains[ch] ?? 1) ** 2;
		for (let k = 0; k < out.length; k++) out[k] = (out[k] as number) + g2 * (c[k] as number);
	});
	return out;
}

/** Loudness in LUFS of one or more channels (each weighted 1.0, as for left and right); -Infinity for silence. */
export function integratedLoudness(channels: readonly Float32Array[], sampleRate = 48_000): number {
	const step = Math.round(0.1 * sampleRate);
	const grid = { start: 0, length: step, count: Math.floor((channels[0]?.length ?? 0) / step) };
	const quarters = channels.map((c) => kWeightedQuarters(c, grid));
	return gatedLoudness(
		combineQuarters(
			quarters,
			quarters.map(() => 1)
		),
		step
	);
}

/**
 * kWeightedQuarters for a channel that arrives in pieces (the copy mixed during the call): the
 * filters' state and the open quarter carry over from one piece to the next, so the quarters are
 * the same as for the whole channel measured at once.
 */
export class KWeightedMeter {
	readonly #length: number;
	#sums: number[] = [];
	#open = 0;
	#filled = 0;
	#state = [0, 0, 0, 0, 0, 0];

	constructor(samplesPerQuarter: number) {
		this.#length = samplesPerQuarter;
	}

	push(samples: Float32Array): void {
		let [x1, x2, s1, s2, y1, y2] = this.#state as [number, number, number, number, number, number];
		for (let j = 0; j < samples.length; j++) {
			const x = samples[j] as number;
			const s = SHELF_B[0] * x + SHELF_B[1] * x1 + SHELF_B[2] * x2 - SHELF_A[0] * s1 - SHELF_A[1] * s2;
			const y =
				HIGHPASS_B[0] * s + HIGHPASS_B[1] * s1 + HIGHPASS_B[2] * s2 - HIGHPASS_A[0] * y1 - HIGHPASS_A[1] * y2;
			x2 = x1;
			x1 = x;
			s2 = s1;
			s1 = s;
			y2 = y1;
			y1 = y;
			this.#open += y * y;
			if (++this.#filled === this.#length) {
				this.#sums.push(this.#open);
				this.#open = 0;
				this.#filled = 0;
			}
		}
		this.#state = [x1, x2, s1, s2, y1, y2];
	}

	/** The energies of the whole quarters so far. */
	quarters(): Float64Array {
		return Float64Array.from(this.#sums);
	}
}
