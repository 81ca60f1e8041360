import { describe, expect, it } from 'vitest';
import { testClock } from '../test/harness.ts';
import { createFailureLimiter } from './rate-limit.ts';

describe('createFailureLimiter', () => {
	const setup = () => {
		const time = testClock();
		const limiter = createFailureLimiter({
			maxFailures: 3,
			windowMs: 10 * 60_000,
			clock: time.clock,
			maxKeys: 5
		});
		return { time, limiter };
	};

	it('allows until the limit, then blocks with the seconds until the oldest failure leaves the window', () => {
		const { time, limiter } = setup();
		limiter.recordFailure('a');
		time.advanceMinutes(2);
		limiter.recordFailure('a');
		limiter.recordFailure('a');
		expect(limiter.check('a')).toEqual({ allowed: false, retryAfterSeconds: 8 * 60 });
		expect(limiter.check('b')).toEqual({ allowed: true });

		time.advanceMinutes(8);
		expect(limiter.check('a')).toEqual({ allowed: true });
	});

	it('slides: failures older than the window stop counting', () => {
		const { time, limiter } = setup();
		limiter.recordFailure('a');
		limiter.recordFailure('a');
		time.advanceMinutes(11);
		limiter.recordFailure('a');
		expect(limiter.check('a').allowed).toBe(true);
	});

	it('reset() forgets a key', () => {
		const { limiter } = setup();
		for (let i = 0; i < 3; i++) limiter.recordFailure('a');
		limiter.reset('a');
		expect(limiter.check('a').allowed).toBe(true);
	});

	it('keeps memory bounded by dropping the least recently failed keys', () => {
		const { limiter } = setup();
		for (let i = 0; i < 3; i++) limiter.recordFailure('first');
		for (let k = 0; k < 5; k++) limiter.recordFailure(`other-${k}`);
		expect(limiter.check('first').allowed).toBe(true);
		for (let i = 0; i < 2; i++) limiter.recordFailure('other-4');
		expect(limiter.check('other-4').allowed).toBe(false);
	});
});
