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
 * Sum of squared K-weighted samples per quarter, for a whole channel. The grid may start before the
 * channel or run past it (a voice that starts late in the mix); samples outside it are filtered but
 * not counted.
 */
export function kWeightedQuarters(
	channel: Float32Array,
	{ start, length, count }: QuarterGrid
): Float64Array {
	const meter = new KWeightedMeter(length, start);
	meter.push(channel);
	const sums = new Float64Array(count);
	sums.set(meter.quarters({ open: true }).subarray(0, count));
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
 * The one K-weighting filter, for a channel measured whole (kWeightedQuarters) or arriving in pieces
 * (the copy mixed during the call): the filters' state and the open quarter carry over from one
 * piece to the next, so the quarters are the same either way. Both filters run in one pass with no
 * filtered copy (a copy of a 40-minute channel is 460 MB).
 */
export class KWeightedMeter {
	readonly #grid: { start: number; length: number };
	readonly #sums: number[] = [];
	readonly #state: FilterState;

	/**
	 * Quarter k is [start + k·length, start + (k+1)·length) of the samples pushed; `start` may be
	 * negative (the grid begins before the first sample) and `length` fractional.
	 */
	constructor(samplesPerQuarter: number, start = 0) {
		this.#grid = { start, length: samplesPerQuarter };
		const k = Math.floor(-start / samplesPerQuarter);
		this.#state = {
			x1: 0,
			x2: 0,
			s1: 0,
			s2: 0,
			y1: 0,
			y2: 0,
			open: 0,
			k,
			boundary: start + (k + 1) * samplesPerQuarter,
			pushed: 0
		};
		for (let q = 0; q < k; q++) this.#sums.push(0);
	}

	push(samples: Float32Array): void {
		filterPiece(samples, this.#state, this.#sums, this.#grid.start, this.#grid.length);
	}

	/** The energies of the whole quarters so far; with `open`, also the one being filled. */
	quarters({ open = false }: { open?: boolean } = {}): Float64Array {
		const { k, open: filling } = this.#state;
		return Float64Array.from(open && k >= 0 ? [...this.#sums, filling] : this.#sums);
	}
}

type FilterState = {
	x1: number;
	x2: number;
	s1: number;
	s2: number;
	y1: number;
	y2: number;
	/** Energy of the quarter being filled, which quarter that is (negative before the grid), and where the next begins. */
	open: number;
	k: number;
	boundary: number;
	/** Samples pushed before this piece. */
	pushed: number;
};

/** The filter's hot loop, over locals (a method reading private fields ran 2–3× slower in V8). */
function filterPiece(samples: Float32Array, st: FilterState, sums: number[], start: number, length: number) {
	let { x1, x2, s1, s2, y1, y2, open, k, boundary } = st;
	const pushed = st.pushed;
	// The boundary in this piece's sample numbers, less one: sample j closes its quarter at j ≥ next.
	let next = boundary - pushed - 1;
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
		if (k >= 0) open += y * y;
		// The quarter is whole once the next sample belongs to the next one.
		while (j >= next) {
			if (k >= 0) sums.push(open);
			open = 0;
			boundary = start + (++k + 1) * length;
			next = boundary - pushed - 1;
		}
	}
	Object.assign(st, { x1, x2, s1, s2, y1, y2, open, k, boundary, pushed: pushed + samples.length });
}
