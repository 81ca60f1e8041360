import type { Clock } from '../clock.ts';

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
	check(key: string): RateLimitDecision;
	recordFailure(key: string): void;
	reset(key: string): void;
	/** Failures of `key` in the window now. */
	count(key: string): number;
}

/**
 * Counts failures per key in a sliding window, in memory. One server process is the deployment
 * today; several instances would need a shared store (Redis), with the same interface.
 */
export function createFailureLimiter({
	maxFailures,
	windowMs,
	clock,
	maxKeys = 50_000
}: {
	maxFailures: number;
	windowMs: number;
	clock: Clock;
	maxKeys?: number;
}): RateLimiter {
	const failures = new Map<string, number[]>();

	const recent = (key: string, now: number): number[] => {
		const kept = (failures.get(key) ?? []).filter((t) => t > now - windowMs);
		if (kept.length === 0) failures.delete(key);
		else failures.set(key, kept);
		return kept;
	};

	return {
		check(key) {
			const now = clock().getTime();
			const times = recent(key, now);
			if (times.length < maxFailures) return { allowed: true };
			const oldest = times[times.length - maxFailures] ?? now;
			return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
		},
		recordFailure(key) {
			const now = clock().getTime();
			const times = recent(key, now);
			times.push(now);
			failures.delete(key);
			failures.set(key, times);
			// Bounded memory under a flood of distinct keys: forget the least recently failed ones.
			while (failures.size > maxKeys) {
				const oldestKey = failures.keys().next().value;
				if (oldestKey === undefined) break;
				failures.delete(oldestKey);
			}
		},
		reset(key) {
			failures.delete(key);
		},
		count(key) {
			return recent(key, clock().getTime()).length;
		}
	};
}
