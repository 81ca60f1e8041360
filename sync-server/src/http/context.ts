import type { Context } from 'hono';
import type { AppDeps } from '../deps.ts';
import type { SessionUser } from '../store/types.ts';

export type AppEnv = {
	Variables: {
		requestId: string;
		deps: AppDeps;
		user?: SessionUser;
	};
};

export type AppContext = Context<AppEnv>;

/** The peer address, or the first X-Forwarded-For hop when TRUST_PROXY is set. */
export function clientAddress(c: {
	var: { deps: AppDeps };
	req: { header(name: string): string | undefined };
	env: unknown;
}): string {
	if (c.var.deps.env.trustProxy) {
		const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
		if (forwarded) return forwarded;
	}
	const bindings = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
	return bindings?.incoming?.socket?.remoteAddress ?? 'unknown';
}
