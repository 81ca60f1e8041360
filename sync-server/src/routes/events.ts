import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import * as v from 'valibot';
import { LIVE_EVENT_NAME, LiveEvent } from '../../../src/lib/contracts/live.ts';
import { sha256 } from '../auth/tokens.ts';
import type { AppDeps } from '../deps.ts';
import type { AppEnv } from '../http/context.ts';
import { AppError } from '../http/errors.ts';
import { requireRole, sessionIdFrom, signedInUser } from '../http/session.ts';
import { COORDINATORS, organizationKey, type LiveHub } from '../live/hub.ts';

/** A comment line this often keeps proxies from closing a quiet stream, and notices a sign-out. */
export const KEEPALIVE_MS = 25_000;
/** More open streams than this for one person is a runaway tab or a hostile client. */
export const MAX_STREAMS_PER_PERSON = 8;

/**
 * GET /api/events: one Server-Sent Events stream per open app, for the signed-in person only
 * (issue #14). It says what changed, and the page refetches it. SSE rather than a WebSocket: it
 * is plain HTTP through the same session check and proxies as every route, the browser reconnects
 * by itself, and the app only ever listens.
 */
export function eventRoutes({ store, clock }: AppDeps, live: LiveHub) {
	return new Hono<AppEnv>().get('/', requireRole(), async (c) => {
		const user = signedInUser(c);
		if (live.listeners(user.userId) >= MAX_STREAMS_PER_PERSON)
			throw new AppError(
				'rate_limited',
				'Too many windows of the app are open for this account. Close some of them, then reload this page.'
			);
		const sessionHash = sha256(sessionIdFrom(c) ?? '');
		// Besides their own key: the coordinators' consoles, and a partner staff member's dashboard,
		// their own organization's and no other (the one their account is linked to).
		const keys = [user.userId];
		if (user.role === 'coordinator') keys.push(COORDINATORS);
		if (user.role === 'partner_staff') {
			const organizationId = (await store.users.findById(user.userId))?.partnerOrganizationId;
			if (organizationId) keys.push(organizationKey(organizationId));
		}
		c.header('Cache-Control', 'no-store');
		// Nginx and similar proxies buffer answers unless told not to.
		c.header('X-Accel-Buffering', 'no');
		return streamSSE(c, async (stream) => {
			let queue = Promise.resolve();
			const send = (event: LiveEvent) => {
				queue = queue.then(() =>
					stream.writeSSE({ event: LIVE_EVENT_NAME, data: JSON.stringify(v.parse(LiveEvent, event)) })
				);
			};
			const stops = keys.map((key) => live.subscribe(key, send));
			const stop = () => stops.forEach((end) => end());
			stream.onAbort(stop);
			await stream.writeSSE({ event: 'ready', data: '{}', retry: 3000 });
			while (!stream.aborted) {
				await stream.sleep(KEEPALIVE_MS);
				// A session that ended (sign-out, expiry) ends its stream too.
				if (!(await store.auth.findSessionUser(sessionHash, clock()))) break;
				await stream.write(': keep-alive\n\n');
			}
			stop();
		});
	});
}
