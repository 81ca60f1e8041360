import type { Context } from 'hono';
import type { RateLimiter } from '../auth/rate-limit.ts';
import type { Clock } from '../clock.ts';
import type { Env } from '../env.ts';
import type { Logger } from '../log.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { SessionUser, Store } from '../store/types.ts';

/** Everything a route needs, built once in createApp and passed to each sub-app. */
export interface AppDeps {
	env: Env;
	store: Store;
	mailer: Mailer;
	clock: Clock;
	log: Logger;
	codeSignInLimiter: RateLimiter;
}

export type AppEnv = {
	Variables: {
		requestId: string;
		deps: AppDeps;
		user?: SessionUser;
	};
};

export type AppContext = Context<AppEnv>;

/** The peer address, or the first X-Forwarded-For hop when TRUST_PROXY is set. */
export function clientAddress(c: AppContext): string {
	if (c.var.deps.env.trustProxy) {
		const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
		if (forwarded) return forwarded;
	}
	const bindings = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
	return bindings?.incoming?.socket?.remoteAddress ?? 'unknown';
}
