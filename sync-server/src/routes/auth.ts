import { Hono } from 'hono';
import * as v from 'valibot';
import { CodeSignIn, EmailLinkRequest, LinkSignIn, Me } from '../../../src/lib/contracts/auth.ts';
import { KIOSK_TOKEN_HEADER, KIOSK_VISITOR_HEADER } from '../../../src/lib/contracts/kiosk.ts';
import { kioskTokenHash } from '../kiosk/enrollment.ts';
import { signInWithCode, signInWithLink, requestSignInEmail } from '../auth/sign-in.ts';
import { sha256 } from '../auth/tokens.ts';
import type { AppDeps } from '../deps.ts';
import { clientAddress, type AppEnv } from '../http/context.ts';
import { AppError, unwrap } from '../http/errors.ts';
import { clearSessionCookie, sessionIdFrom, setSessionCookie } from '../http/session.ts';
import { parseOrThrow, readJson } from '../http/validate.ts';

/**
 * Sign-in links are consumed by POST, not GET, so mail scanners that prefetch links cannot burn them;
 * the client page /signin?token=… posts the token here.
 */
export function authRoutes(deps: AppDeps) {
	return new Hono<AppEnv>()
		.post('/link', async (c) => {
			const body = await readJson(c);
			// A token of the wrong length is a link cut short in copying, not a form mistake.
			if (hasTokenString(body) && !v.is(LinkSignIn, body)) {
				throw new AppError(
					'link_invalid',
					'This sign-in link is not complete. Ask for a new link on the sign-in page.'
				);
			}
			const { token } = parseOrThrow(LinkSignIn, body);
			const { sessionId, user } = unwrap(await signInWithLink(deps, token));
			setSessionCookie(c, sessionId);
			return c.json(v.parse(Me, user));
		})
		.post('/code', async (c) => {
			const { code } = parseOrThrow(CodeSignIn, await readJson(c));
			const kiosk = await kioskVisitor(
				deps,
				c.req.header(KIOSK_TOKEN_HEADER),
				c.req.header(KIOSK_VISITOR_HEADER)
			);
			const { sessionId, user } = unwrap(
				await signInWithCode(deps, { code, clientAddress: clientAddress(c), kiosk })
			);
			setSessionCookie(c, sessionId);
			return c.json(v.parse(Me, user));
		})
		.post('/email-link', async (c) => {
			const { email } = parseOrThrow(EmailLinkRequest, await readJson(c));
			// The answer never waits on the lookup, so its timing can't tell whether the address has an
			// account (issue #13: 3.0 ms against 1.4 ms). The request is idempotent: asking again is safe.
			void deps
				.background(requestSignInEmail(deps, email))
				.catch((error: unknown) => deps.log.error('a sign-in email could not be queued', { error }));
			return c.body(null, 202);
		})
		.post('/signout', async (c) => {
			const sessionId = sessionIdFrom(c);
			if (sessionId) await deps.store.auth.deleteSession(sha256(sessionId));
			clearSessionCookie(c);
			return c.body(null, 204);
		});
}

function hasTokenString(body: unknown): boolean {
	return typeof body === 'object' && body !== null && typeof (body as { token?: unknown }).token === 'string';
}

/**
 * The enrolled kiosk and visitor a code is typed at, when the request carries both a valid device
 * token and a visitor id; otherwise undefined, and the code counts against the address as anywhere.
 */
async function kioskVisitor(
	{ store }: AppDeps,
	token: string | undefined,
	visitor: string | undefined
): Promise<{ kioskId: string; visitor: string } | undefined> {
	if (!token || !visitor || !v.is(v.pipe(v.string(), v.uuid()), visitor)) return undefined;
	const kiosk = await store.kiosks.findByToken(kioskTokenHash(token));
	return kiosk?.status === 'enrolled' ? { kioskId: kiosk.id, visitor } : undefined;
}
