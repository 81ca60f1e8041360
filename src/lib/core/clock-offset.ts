/**
 * Server-clock estimate from ping/pong (NTP's idea, simplified): for one round trip sent at local time
 * t0 and answered at t1 with the server's time s, the server clock is s - (t0 + t1) / 2 ahead of ours,
 * give or take half the round trip. Both devices stamp their audio with server time, so their tracks
 * line up later to within the two uncertainties (issue #5 asks for 20 ms).
 */
export type ClockSample = { sentAt: number; receivedAt: number; serverTime: number };
export type ClockEstimate = { offsetMs: number; rttMs: number; uncertaintyMs: number; samples: number };

/** The estimate from the fastest round trips: slow ones were delayed on one leg, which skews them. */
export function estimateOffset(samples: readonly ClockSample[], { best = 3 } = {}): ClockEstimate | undefined {
	const valid = samples.filter((s) => s.receivedAt >= s.sentAt);
	if (valid.length === 0) return undefined;
	const fastest = [...valid].sort((a, b) => rtt(a) - rtt(b)).slice(0, best);
	const offsets = fastest.map((s) => s.serverTime - (s.sentAt + s.receivedAt) / 2).sort((a, b) => a - b);
	const offsetMs = offsets[Math.floor(offsets.length / 2)] ?? 0;
	const rttMs = rtt(fastest[0]!);
	return { offsetMs, rttMs, uncertaintyMs: rttMs / 2, samples: valid.length };
}

function rtt(sample: ClockSample): number {
	return sample.receivedAt - sample.sentAt;
}

/** Keeps the newest `limit` samples, so a re-estimate during the call follows drift. */
export function keepRecent(samples: readonly ClockSample[], sample: ClockSample, limit = 12): ClockSample[] {
	return [...samples, sample].slice(-limit);
}
