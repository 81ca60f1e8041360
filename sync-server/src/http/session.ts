import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { Role } from '../../../src/lib/contracts/auth.ts';
import { sha256 } from '../auth/tokens.ts';
import type { Env } from '../env.ts';
import type { SessionUser } from '../store/types.ts';
import type { AppContext, AppEnv } from './context.ts';
import { AppError, MESSAGES } from './errors.ts';

/** `__Host-` pins the cookie to our exact origin, but browsers only accept it over https. */
export function sessionCookieName(env: Env): string {
	return isHttps(env) ? '__Host-cg_session' : 'cg_session';
}

function isHttps(env: Env): boolean {
	return env.publicUrl.startsWith('https:');
}

export function setSessionCookie(c: AppContext, sessionId: string): void {
	const { env } = c.var.deps;
	setCookie(c, sessionCookieName(env), sessionId, {
		httpOnly: true,
		sameSite: 'Lax',
		secure: isHttps(env),
		path: '/',
		maxAge: env.sessionTtlDays * 24 * 60 * 60
	});
}

export function clearSessionCookie(c: AppContext): void {
	const { env } = c.var.deps;
	deleteCookie(c, sessionCookieName(env), { path: '/', secure: isHttps(env) });
}

export function sessionIdFrom(c: AppContext): string | undefined {
	return getCookie(c, sessionCookieName(c.var.deps.env));
}

export async function currentUser(c: AppContext): Promise<SessionUser | undefined> {
	if (c.var.user) return c.var.user;
	const sessionId = sessionIdFrom(c);
	if (!sessionId) return undefined;
	const { store, clock } = c.var.deps;
	const user = await store.auth.findSessionUser(sha256(sessionId), clock());
	if (user) c.set('user', user);
	return user;
}

/**
 * Lets the request through only for a signed-in user with one of `roles` (any role when none are
 * given), and puts that user in `c.var.user`.
 */
export function requireRole(...roles: Role[]) {
	return createMiddleware<AppEnv>(async (c, next) => {
		const user = await currentUser(c);
		if (!user) throw new AppError('unauthenticated', MESSAGES.unauthenticated);
		if (roles.length > 0 && !roles.includes(user.role)) throw new AppError('forbidden', MESSAGES.forbidden);
		await next();
	});
}

export function signedInUser(c: AppContext): SessionUser {
	const user = c.var.user;
	if (!user) throw new Error('signedInUser() used on a route without requireRole()');
	return user;
}
