import type { MiddlewareHandler } from 'hono';
import { AppError } from './errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * Session cookies are SameSite=Lax; on top of that every state-changing request must be JSON (which
 * a cross-site form cannot send without a CORS preflight we never grant) and, when the browser says
 * where it came from, come from our own origin.
 */
export function csrfGuard({ publicUrl }: { publicUrl: string }): MiddlewareHandler {
	const publicOrigin = new URL(publicUrl).origin;
	return async (c, next) => {
		if (SAFE_METHODS.has(c.req.method)) return next();
		const origin = c.req.header('origin');
		const sameOrigin =
			origin === undefined || origin === publicOrigin || origin === new URL(c.req.url).origin;
		const crossSite = c.req.header('sec-fetch-site') === 'cross-site';
		if (!sameOrigin || crossSite || !JSON_TYPE.test(c.req.header('content-type') ?? '')) {
			throw new AppError(
				'csrf_rejected',
				'This request was refused because it did not come from the Common Ground app. Reload the page and try again.'
			);
		}
		return next();
	};
}
