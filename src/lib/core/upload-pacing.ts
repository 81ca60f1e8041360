/**
 * How fast the share track may go up during the call (issue #6, "progressively during the call
 * when bandwidth allows; the call gets priority"). Pure: the room reads WebRTC's own numbers, the
 * live upload asks here how many bits per second it may use.
 */
export type LinkReading = {
	/** WebRTC's estimate of what the uplink can carry (candidate pair `availableOutgoingBitrate`). */
	availableBps?: number;
	/** What the call itself sends now, all partners together. */
	callSendBps: number;
	/** The worst share of our packets a partner reports lost (remote-inbound-rtp `fractionLost`). */
	fractionLost?: number;
	/** `performance.now()` when it was read. */
	at: number;
};

export const PACING = {
	/** The upload takes this share of what the call leaves over… */
	shareOfSpare: 0.3,
	/** …and nothing while less than this is left over, */
	minSpareBps: 40_000,
	/** or while the partner loses more than this share of our packets. */
	maxLoss: 0.03,
	/**
	 * With no estimate (no partner connected yet, or a browser without the number): a little above
	 * the share track's own 24 kbps, so the upload keeps up without ever crowding a call.
	 */
	unknownBps: 32_000,
	/** A reading older than this is no reading: the room reads every 2 s. */
	staleMs: 10_000
} as const;

/** Bits per second the live upload may use now; 0 means wait. */
export function uploadBudgetBps(reading: LinkReading | undefined, now: number): number {
	if (!reading || now - reading.at > PACING.staleMs) return PACING.unknownBps;
	if ((reading.fractionLost ?? 0) > PACING.maxLoss) return 0;
	if (reading.availableBps === undefined) return PACING.unknownBps;
	const spare = reading.availableBps - reading.callSendBps;
	if (spare < PACING.minSpareBps) return 0;
	return Math.round(spare * PACING.shareOfSpare);
}

/** How long to wait before sending `bytes` at `budgetBps`, spread evenly; Infinity means "ask again later". */
export function pacingDelayMs(bytes: number, budgetBps: number): number {
	return budgetBps > 0 ? (bytes * 8 * 1000) / budgetBps : Infinity;
}
