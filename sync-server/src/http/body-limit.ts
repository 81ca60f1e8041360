import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/**
 * Hono's bodyLimit, without its cost on the common case. It reads `c.req.raw.body` first, which
 * makes @hono/node-server build a full web Request and a ReadableStream over the socket for every
 * request, and the handler's `c.req.text()` then reads through those streams instead of straight
 * from Node's request: a tenth of a sign-up's CPU (issue #17, bench/profile-signups.ts). Node's
 * HTTP parser delivers exactly Content-Length bytes, so a request that declares its length is
 * judged by it, as bodyLimit itself does; GET and HEAD carry no body; only a chunked body is counted
 * as it streams in, by bodyLimit.
 */
export function declaredBodyLimit({
	maxSize,
	onError
}: {
	maxSize: number;
	onError: (c: Context) => Response | Promise<Response>;
}): MiddlewareHandler {
	const streamed = bodyLimit({ maxSize, onError });
	return async (c, next) => {
		if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
		const declared = c.req.header('content-length');
		if (declared !== undefined && c.req.header('transfer-encoding') === undefined)
			return Number.parseInt(declared, 10) > maxSize ? onError(c) : next();
		return streamed(c, next);
	};
}
