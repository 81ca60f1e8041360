/**
 * The named weak links of issue #18. A profile is one person's access link, each way: what the
 * packets between their browser and everything else (the server, the partner) go through.
 *
 * - `delayMs ± jitterMs`: one-way delay, held by the impairment relay (relay.py). The jitter is a
 *   delay that wanders (a new random target within ± jitterMs every `4 × jitterMs`, at least 50 ms,
 *   followed in a straight line), so packets never overtake each other, as on a real queue.
 * - `randomLossPercent`: independent drops, by nftables' `numgen` in the hub namespace.
 * - `burst`: Gilbert–Elliott bursts in the relay, per packet: after any packet a burst starts with
 *   the probability that gives `percent` of packets lost in bursts of `meanPackets` on average.
 * - `upKbit` / `downKbit`: the bandwidth, by `tbf` on each end of the person's veth pair, with a
 *   queue of QUEUE_MS at that rate (a mobile uplink's buffer), past which packets are dropped.
 */
export type LinkProfile = {
	delayMs: number;
	jitterMs: number;
	randomLossPercent: number;
	burst?: { percent: number; meanPackets: number };
	upKbit: number;
	downKbit: number;
};

export const QUEUE_MS = 200;

export const PROFILES = {
	good: { delayMs: 20, jitterMs: 0, randomLossPercent: 0, upKbit: 20_000, downKbit: 20_000 },
	// The issue names only 3G's uplink; its downlink is usually a few times faster.
	'3g': { delayMs: 150, jitterMs: 30, randomLossPercent: 1, upKbit: 750, downKbit: 2_000 },
	// 5% in all: 3% one by one, 2% in bursts of 3 packets on average (1 − 0.97 × 0.98 = 4.9%).
	lossy: {
		delayMs: 100,
		jitterMs: 0,
		randomLossPercent: 3,
		burst: { percent: 2, meanPackets: 3 },
		upKbit: 1_000,
		downKbit: 1_000
	},
	bad: { delayMs: 300, jitterMs: 80, randomLossPercent: 10, upKbit: 384, downKbit: 384 }
} as const satisfies Record<string, LinkProfile>;

export type ProfileName = keyof typeof PROFILES;

/** How long the outage in the middle of a call lasts: every packet of the link, both ways, dropped. */
export const OUTAGE_MS = 10_000;

/** The share of packets a profile loses each way, random drops and bursts together. */
export function expectedLoss(profile: LinkProfile): number {
	const random = profile.randomLossPercent / 100;
	const burst = (profile.burst?.percent ?? 0) / 100;
	return 1 - (1 - random) * (1 - burst);
}
