import type { RateLimiter } from './auth/rate-limit.ts';
import type { Clock } from './clock.ts';
import type { Env } from './env.ts';
import type { LiveHub } from './live/hub.ts';
import type { Logger } from './log.ts';
import type { Mailer } from './mail/mailer.ts';
import type { MediaJobs } from './media/jobs.ts';
import type { RedisConnections } from './redis/client.ts';
import type { Store } from './store/types.ts';

/** Everything a route or service needs, built once in createApp. */
export interface AppDeps {
	env: Env;
	store: Store;
	mailer: Mailer;
	clock: Clock;
	log: Logger;
	/** Mixing and copy notifications (issue #6). */
	media: MediaJobs;
	/** Tells each person's open pages what changed (issue #14, GET /api/events). */
	live: LiveHub;
	/** This instance's Redis connections when REDIS_URL is set (issue #17): live state shared across instances. */
	redis: RedisConnections | undefined;
	/**
	 * Work a route starts but does not wait for (it answers first). The app's close() waits for it,
	 * so nothing writes to the store or DATA_DIR after they are closed. Resolves as `work` does.
	 */
	background<T>(work: Promise<T>): Promise<T>;
	limiters: {
		/** Failed personal-code attempts, keyed per client address and per code. */
		codeSignIn: RateLimiter;
		/** Sign-in emails per address, so nobody can flood someone's inbox. */
		emailLink: RateLimiter;
		/**
		 * Failed personal codes at one enrolled kiosk, all visitors together: a ceiling against guessing
		 * that one visitor's typos can't reach (issue #13). KIOSK_CODE_CEILING per 15 minutes.
		 */
		kioskCodes: RateLimiter;
		/** Failed kiosk enrollment codes, keyed per client address and per code (issue #13). */
		kioskEnroll: RateLimiter;
	};
}
