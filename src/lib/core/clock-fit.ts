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
	if (
		!Number.isFinite(msPerSample) ||
		Math.abs(1000 / msPerSample / nominalRate - 1) > plausibleOffBy(points)
	) {
		return { startedAtServerMs: meanT - (meanS / nominalRate) * 1000, samplesPerSecond: nominalRate };
	}
	return { startedAtServerMs: meanT - meanS * msPerSample, samplesPerSecond: 1000 / msPerSample };
}

/**
 * How far off nominal a fitted rate may be and still be the recorder's. Over a few seconds, clock
 * estimates jitter by tens of ms, so more than 1 % off is noise. Over 20 s and more the slope is
 * sure to within 0.2 %, and a recorder that loses samples under load (Chromium's fake microphone
 * was measured 0.9–1.1 % slow on a busy 2-core machine) really does deliver that many fewer: then
 * up to 5 % is believed. Falling back to nominal there would put the ends of a long call seconds
 * off, and a fit that flips between the two as the call goes on would move its start each time.
 */
function plausibleOffBy(points: readonly ClockPoint[]): number {
	const spanMs = (points.at(-1)?.serverMs ?? 0) - (points[0]?.serverMs ?? 0);
	return spanMs >= 20_000 ? 0.05 : 0.01;
}
