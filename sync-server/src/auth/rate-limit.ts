import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from '../clock.ts';
import { isReachable } from '../redis/client.ts';

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Failures per key in a sliding window. Async, because with REDIS_URL the count is shared by every
 * instance (issue #17: wrong codes count toward one limit per address, whichever instance they reach).
 */
export interface RateLimiter {
	check(key: string): Promise<RateLimitDecision>;
	recordFailure(key: string): Promise<void>;
	/**
	 * check() and, when allowed, recordFailure() in one step that no other instance can come between:
	 * for a limited action rather than a failure, such as sending an email.
	 */
	attempt(key: string): Promise<RateLimitDecision>;
	reset(key: string): Promise<void>;
	/** Failures of `key` in the window now. */
	count(key: string): Promise<number>;
}

export interface FailureLimits {
	/** Names the limiter's keys in Redis: two limiters may count the same key (`code:…`) apart. */
	name: string;
	maxFailures: number;
	windowMs: number;
	clock: Clock;
}

/** The one place that chooses: shared through Redis when the instance has it, in memory otherwise. */
export function createFailureLimiter(limits: FailureLimits & { redis?: Redis }): RateLimiter {
	return limits.redis ? createRedisLimiter({ ...limits, redis: limits.redis }) : createMemoryLimiter(limits);
}

/**
 * Blocked at `maxFailures` failures in the window, until `deciding` (the failure whose leaving
 * brings the count below the limit again) leaves it.
 */
function decide(
	{ count, deciding, now }: { count: number; deciding: number | undefined; now: number },
	{ maxFailures, windowMs }: FailureLimits
): RateLimitDecision {
	if (count < maxFailures || deciding === undefined) return { allowed: true };
	return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((deciding + windowMs - now) / 1000)) };
}

/** In this process only: one instance, as without REDIS_URL. */
export function createMemoryLimiter(limits: FailureLimits & { maxKeys?: number }): RateLimiter {
	const { windowMs, clock, maxKeys = 50_000 } = limits;
	const failures = new Map<string, number[]>();

	const recent = (key: string, now: number): number[] => {
		const kept = (failures.get(key) ?? []).filter((t) => t > now - windowMs);
		if (kept.length === 0) failures.delete(key);
		else failures.set(key, kept);
		return kept;
	};
	const record = (key: string, now: number) => {
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
	};
	const check = (key: string, now: number) => {
		const times = recent(key, now);
		return decide({ count: times.length, deciding: times[times.length - limits.maxFailures], now }, limits);
	};

	return {
		check: async (key) => check(key, clock().getTime()),
		recordFailure: async (key) => record(key, clock().getTime()),
		attempt: async (key) => {
			const now = clock().getTime();
			const decision = check(key, now);
			if (decision.allowed) record(key, now);
			return decision;
		},
		reset: async (key) => {
			failures.delete(key);
		},
		count: async (key) => recent(key, clock().getTime()).length
	};
}

/**
 * One sorted set per key, a failure's time as its score, expiring a window after the last failure,
 * so a plain Redis without persistence or eviction settings is enough. The script trims the window,
 * optionally adds, and answers in one atomic step. It answers the count before adding and, at the
 * limit, the time of the failure that must leave the window (`decide` reads the same two things).
 */
const WINDOW_SCRIPT = `
local key, now, window, max, mode = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local n = redis.call('ZCARD', key)
if mode == 'record' or (mode == 'attempt' and n < max) then
	redis.call('ZADD', key, ARGV[1], ARGV[5])
	redis.call('PEXPIRE', key, window)
end
if n < max then return {n} end
return {n, redis.call('ZRANGE', key, n - max, n - max, 'WITHSCORES')[2]}
`;

type Mode = 'look' | 'record' | 'attempt';

/** Shared by every instance on one Redis, with the same semantics as the memory limiter. */
export function createRedisLimiter(limits: FailureLimits & { redis: Redis }): RateLimiter {
	const { redis, name, windowMs, maxFailures, clock } = limits;
	const redisKey = (key: string) => `ratelimit:${name}:${key}`;

	/** Runs the script; answers the count in the window before this call, and the decision on it. */
	const run = async (key: string, mode: Mode) => {
		// Refused rather than uncounted: the request fails (logged, answered 'internal') at once.
		if (!isReachable(redis)) throw new Error(`rate limit ${name}: Redis is not reachable`);
		const now = clock().getTime();
		// The member only has to be unique: two failures in one millisecond are two failures.
		const member = `${now}:${randomUUID()}`;
		const [count, deciding] = (await redis.eval(
			WINDOW_SCRIPT,
			1,
			redisKey(key),
			now,
			windowMs,
			maxFailures,
			mode,
			member
		)) as [number, string?];
		const decision = decide(
			{ count, deciding: deciding === undefined ? undefined : Number(deciding), now },
			limits
		);
		return { count, decision };
	};

	return {
		check: async (key) => (await run(key, 'look')).decision,
		recordFailure: async (key) => {
			await run(key, 'record');
		},
		attempt: async (key) => (await run(key, 'attempt')).decision,
		reset: async (key) => {
			await redis.del(redisKey(key));
		},
		count: async (key) => (await run(key, 'look')).count
	};
}
