/**
 * Integrated loudness after ITU-R BS.1770-4 (K-weighting, 400 ms blocks with 75 % overlap, absolute
 * gate at -70 LUFS and relative gate 10 LU below), for normalizing the copy to about -16 LUFS.
 * The filter coefficients are the standard's, which are given for 48 kHz: our one sample rate.
 */
type Biquad = { b: [number, number, number]; a: [number, number] };
const SHELF: Biquad = {
	b: [1.53512485958697, -2.69169618940638, 1.19839281085285],
	a: [-1.69065929318241, 0.73248077421585]
};
const HIGHPASS: Biquad = { b: [1, -2, 1], a: [-1.99004745483398, 0.99007225036621] };

function filter(input: Float32Array, { b, a }: Biquad): Float32Array {
	const out = new Float32Array(input.length);
	let x1 = 0;
	let x2 = 0;
	let y1 = 0;
	let y2 = 0;
	for (let i = 0; i < input.length; i++) {
		const x = input[i] ?? 0;
		const y = b[0] * x + b[1] * x1 + b[2] * x2 - a[0] * y1 - a[1] * y2;
		x2 = x1;
		x1 = x;
		y2 = y1;
		y1 = y;
		out[i] = y;
	}
	return out;
}

/** Loudness in LUFS of one or more channels (each weighted 1.0, as for left and right); -Infinity for silence. */
export function integratedLoudness(channels: readonly Float32Array[], sampleRate = 48_000): number {
	const weighted = channels.map((c) => filter(filter(c, SHELF), HIGHPASS));
	const step = Math.round(0.1 * sampleRate);
	const length = channels[0]?.length ?? 0;
	// Sum squares per 100 ms once; each 400 ms gating block is four consecutive quarters.
	const quarters: number[] = [];
	for (let start = 0; start + step <= length; start += step) {
		let sum = 0;
		for (const c of weighted) for (let i = start; i < start + step; i++) sum += (c[i] as number) ** 2;
		quarters.push(sum);
	}
	const powers: number[] = [];
	for (let q = 0; q + 4 <= quarters.length; q++) {
		powers.push(
			((quarters[q] ?? 0) + (quarters[q + 1] ?? 0) + (quarters[q + 2] ?? 0) + (quarters[q + 3] ?? 0)) /
				(4 * step)
		);
	}
	const lufs = (p: number) => -0.691 + 10 * Math.log10(p);
	const gated = (threshold: number) => powers.filter((p) => lufs(p) > threshold);
	const absolute = gated(-70);
	if (absolute.length === 0) return -Infinity;
	const mean = (ps: number[]) => ps.reduce((s, p) => s + p, 0) / ps.length;
	const relative = gated(lufs(mean(absolute)) - 10);
	return lufs(mean(relative.length ? relative : absolute));
}
