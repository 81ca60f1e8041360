/**
 * Does a recording hold the voice it should? Compares loudness envelopes (RMS in short windows) by
 * Pearson correlation at the best lag. The fake microphone loops its file from an unknown point, so
 * every lag over one loop is tried. A recording of the wrong voice, of silence or of noise scores low.
 */
export const WINDOW_MS = 20;

export function rmsEnvelope(samples: ArrayLike<number>, sampleRate: number, windowMs = WINDOW_MS): number[] {
	const size = Math.round((sampleRate * windowMs) / 1000);
	const out: number[] = [];
	for (let start = 0; start + size <= samples.length; start += size) {
		let sum = 0;
		for (let i = start; i < start + size; i++) sum += (samples[i] ?? 0) ** 2;
		out.push(Math.sqrt(sum / size));
	}
	return out;
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>, bOffset: number, length: number): number {
	let sa = 0;
	let sb = 0;
	for (let i = 0; i < length; i++) {
		sa += a[i]!;
		sb += b[bOffset + i]!;
	}
	const ma = sa / length;
	const mb = sb / length;
	let cov = 0;
	let va = 0;
	let vb = 0;
	for (let i = 0; i < length; i++) {
		const da = a[i]! - ma;
		const db = b[bOffset + i]! - mb;
		cov += da * db;
		va += da * da;
		vb += db * db;
	}
	return va === 0 || vb === 0 ? 0 : cov / Math.sqrt(va * vb);
}

/** Best correlation of `recorded` against `source` played in a loop, over every lag in one loop. */
export function loopedMatch(recorded: number[], source: number[]): { correlation: number; lag: number } {
	const length = recorded.length;
	const looped: number[] = [];
	while (looped.length < length + source.length) looped.push(...source);
	let best = { correlation: -1, lag: 0 };
	for (let lag = 0; lag < source.length; lag++) {
		const correlation = pearson(recorded, looped, lag, length);
		if (correlation > best.correlation) best = { correlation, lag };
	}
	return best;
}

/**
 * The median of `loopedMatch` over consecutive chunks. A fake microphone on a busy machine slips by
 * a window now and then, which ruins one alignment for a whole minute but not for 5-second chunks.
 */
export function chunkedMatch(recorded: number[], source: number[], chunkWindows = 250): number {
	const scores: number[] = [];
	for (let start = 0; start + chunkWindows <= recorded.length; start += chunkWindows) {
		scores.push(loopedMatch(recorded.slice(start, start + chunkWindows), source).correlation);
	}
	scores.sort((a, b) => a - b);
	return scores[Math.floor(scores.length / 2)] ?? -1;
}
