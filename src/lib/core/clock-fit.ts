/**
 * Fits a track's sample clock to the server clock (issue #6, "aligns them, using the timestamps
 * with drift correction"). Each saved segment says which sample it starts at and what server time
 * that was; a sound card running 50 ppm fast drifts 120 ms over 40 minutes, so a straight line
 * through all of them (least squares) gives both the start time and the true samples per second.
 */
export type ClockPoint = { sample: number; serverMs: number };
export type ClockFit = { startedAtServerMs: number; samplesPerSecond: number };

export function fitClock(points: readonly ClockPoint[], nominalRate: number): ClockFit {
	const first = points[0];
	if (!first) throw new Error('fitClock needs at least one point');
	if (points.length < 3)
		return {
			startedAtServerMs: first.serverMs - (first.sample / nominalRate) * 1000,
			samplesPerSecond: nominalRate
		};
	// Centre the data so the sums stay small enough to keep full precision over hours of samples.
	const n = points.length;
	const meanS = points.reduce((sum, p) => sum + p.sample, 0) / n;
	const meanT = points.reduce((sum, p) => sum + p.serverMs, 0) / n;
	let sst = 0;
	let sss = 0;
	for (const p of points) {
		sst += (p.sample - meanS) * (p.serverMs - meanT);
		sss += (p.sample - meanS) ** 2;
	}
	const msPerSample = sst / sss;
	// Clock estimates jitter; a rate more than 1 % off nominal is noise, not drift.
	if (!Number.isFinite(msPerSample) || Math.abs(1000 / msPerSample / nominalRate - 1) > 0.01) {
		return { startedAtServerMs: meanT - (meanS / nominalRate) * 1000, samplesPerSecond: nominalRate };
	}
	return { startedAtServerMs: meanT - meanS * msPerSample, samplesPerSecond: 1000 / msPerSample };
}
