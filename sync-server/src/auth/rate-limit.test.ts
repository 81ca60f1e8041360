import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.ts';
import { connectRedis, type RedisConnections } from '../redis/client.ts';
import { testClock } from '../test/harness.ts';
import { startTestRedis, type TestRedis } from '../test/redis.ts';
import { createFailureLimiter, createMemoryLimiter, type FailureLimits } from './rate-limit.ts';

let server: TestRedis;
let redis: RedisConnections;
beforeAll(async () => {
	server = await startTestRedis();
	redis = connectRedis({ url: server.url, log: silentLogger });
});
afterAll(async () => {
	await redis.close();
	await server.stop();
});
beforeEach(() => server.flush());

const limits = (clock: FailureLimits['clock']) => ({
	name: 'test',
	maxFailures: 3,
	windowMs: 10 * 60_000,
	clock
});

describe.each(['memory', 'redis'] as const)('a failure limiter in %s', (kind) => {
	const setup = () => {
		const time = testClock();
		const limiter = createFailureLimiter({
			...limits(time.clock),
			redis: kind === 'redis' ? redis.command : undefined
		});
		return { time, limiter };
	};

	it('allows until the limit, then blocks with the seconds until the oldest failure leaves the window', async () => {
		const { time, limiter } = setup();
		await limiter.recordFailure('a');
		time.advanceMinutes(2);
		await limiter.recordFailure('a');
		await limiter.recordFailure('a');
		expect(await limiter.check('a')).toEqual({ allowed: false, retryAfterSeconds: 8 * 60 });
		expect(await limiter.check('b')).toEqual({ allowed: true });
		expect(await limiter.count('a')).toBe(3);

		time.advanceMinutes(8);
		expect(await limiter.check('a')).toEqual({ allowed: true });
		expect(await limiter.count('a')).toBe(2);
	});

	it('slides: failures older than the window stop counting', async () => {
		const { time, limiter } = setup();
		await limiter.recordFailure('a');
		await limiter.recordFailure('a');
		time.advanceMinutes(11);
		await limiter.recordFailure('a');
		expect((await limiter.check('a')).allowed).toBe(true);
		expect(await limiter.count('a')).toBe(1);
	});

	it('reset() forgets a key', async () => {
		const { limiter } = setup();
		for (let i = 0; i < 3; i++) await limiter.recordFailure('a');
		await limiter.reset('a');
		expect((await limiter.check('a')).allowed).toBe(true);
	});

	it('attempt() counts each allowed use and no refused one', async () => {
		const { time, limiter } = setup();
		const answers = [];
		for (let i = 0; i < 5; i++) answers.push((await limiter.attempt('mail')).allowed);
		expect(answers).toEqual([true, true, true, false, false]);
		expect(await limiter.count('mail')).toBe(3);
		time.advanceMinutes(10);
		expect((await limiter.attempt('mail')).allowed).toBe(true);
	});
});

describe('the Redis limiter across instances (issue #17)', () => {
	it('two instances on one Redis share one count per key', async () => {
		const time = testClock();
		const other = connectRedis({ url: server.url, log: silentLogger });
		try {
			const a = createFailureLimiter({ ...limits(time.clock), redis: redis.command });
			const b = createFailureLimiter({ ...limits(time.clock), redis: other.command });
			await a.recordFailure('address:203.0.113.9');
			await b.recordFailure('address:203.0.113.9');
			expect((await a.check('address:203.0.113.9')).allowed).toBe(true);
			await a.recordFailure('address:203.0.113.9');
			// The third failure reached A; B refuses the fourth attempt all the same.
			expect(await b.check('address:203.0.113.9')).toEqual({ allowed: false, retryAfterSeconds: 600 });
			await b.reset('address:203.0.113.9');
			expect(await a.count('address:203.0.113.9')).toBe(0);
		} finally {
			await other.close();
		}
	});

	it('attempts racing from two instances never pass the limit', async () => {
		const time = testClock();
		const other = connectRedis({ url: server.url, log: silentLogger });
		try {
			const a = createFailureLimiter({ ...limits(time.clock), redis: redis.command });
			const b = createFailureLimiter({ ...limits(time.clock), redis: other.command });
			const answers = await Promise.all(
				Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).attempt('email:ada@example.org'))
			);
			expect(answers.filter((d) => d.allowed)).toHaveLength(3);
		} finally {
			await other.close();
		}
	});

	it('limiters with different names count the same key apart', async () => {
		const time = testClock();
		const codes = createFailureLimiter({ ...limits(time.clock), redis: redis.command });
		const enrollment = createFailureLimiter({ ...limits(time.clock), name: 'other', redis: redis.command });
		for (let i = 0; i < 3; i++) await codes.recordFailure('code:K7QM4XTR');
		expect((await codes.check('code:K7QM4XTR')).allowed).toBe(false);
		expect((await enrollment.check('code:K7QM4XTR')).allowed).toBe(true);
	});

	it('keys expire a window after the last failure, so a plain Redis holds no stale counts', async () => {
		const time = testClock();
		const limiter = createFailureLimiter({ ...limits(time.clock), redis: redis.command });
		await limiter.recordFailure('a');
		const ttl = await redis.command.pttl('ratelimit:test:a');
		expect(ttl).toBeGreaterThan(0);
		expect(ttl).toBeLessThanOrEqual(10 * 60_000);
	});
});

describe('the Redis limiter without Redis', () => {
	it('refuses at once while Redis is away, rather than waiting for it or letting the attempt through', async () => {
		const lost = await startTestRedis();
		const connections = connectRedis({ url: lost.url, log: silentLogger });
		try {
			await connections.ready();
			const limiter = createFailureLimiter({ ...limits(testClock().clock), redis: connections.command });
			await limiter.recordFailure('a');
			await lost.stop();
			await expect.poll(() => connections.command.status).toBe('reconnecting');
			await expect(limiter.check('a')).rejects.toThrow(/Redis is not reachable/);
		} finally {
			await connections.close();
			await lost.stop();
		}
	});
});

describe('the memory limiter', () => {
	it('keeps memory bounded by dropping the least recently failed keys', async () => {
		const time = testClock();
		const limiter = createMemoryLimiter({ ...limits(time.clock), maxKeys: 5 });
		for (let i = 0; i < 3; i++) await limiter.recordFailure('first');
		for (let k = 0; k < 5; k++) await limiter.recordFailure(`other-${k}`);
		expect((await limiter.check('first')).allowed).toBe(true);
		for (let i = 0; i < 2; i++) await limiter.recordFailure('other-4');
		expect((await limiter.check('other-4')).allowed).toBe(false);
	});
});
