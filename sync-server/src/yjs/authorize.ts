import { parse } from 'hono/utils/cookie';
import { CLOSE, QUESTIONS_DOC_PREFIX } from '../../../src/lib/contracts/questions.ts';
import { sha256 } from '../auth/tokens.ts';
import type { Clock } from '../clock.ts';
import { conversationAccess } from '../conversations/access.ts';
import type { Env } from '../env.ts';
import { sessionCookieName } from '../http/session.ts';
import type { Store } from '../store/types.ts';
import type { Authorize } from './ws-server.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Who may open a document: for `questions-<conversation id>`, the conversation's two participants
 * and its facilitator may edit, coordinators may look on read-only, everyone else is refused
 * (conversations/access.ts). Checked on every connection, from the session cookie.
 */
export function authorizeDocs({ env, store, clock }: { env: Env; store: Store; clock: Clock }): Authorize {
	const publicOrigin = new URL(env.publicUrl).origin;
	return async ({ docName, request }) => {
		// Cross-site WebSocket hijacking: a browser always says where the page came from.
		const origin = request.headers.origin;
		if (origin !== undefined && origin !== publicOrigin && origin !== `http://${request.headers.host}`) {
			return { ok: false, code: CLOSE.forbidden, reason: 'wrong origin' };
		}
		const conversationId = docName.startsWith(QUESTIONS_DOC_PREFIX)
			? docName.slice(QUESTIONS_DOC_PREFIX.length)
			: '';
		if (!UUID.test(conversationId)) return { ok: false, code: CLOSE.notFound, reason: 'no such document' };

		const sessionId = parse(request.headers.cookie ?? '')[sessionCookieName(env)];
		const user = sessionId ? await store.auth.findSessionUser(sha256(sessionId), clock()) : undefined;
		if (!user) return { ok: false, code: CLOSE.unauthorized, reason: 'sign in first' };

		const conversation = await store.conversations.findById(conversationId);
		if (!conversation) return { ok: false, code: CLOSE.notFound, reason: 'no such conversation' };
		const access = conversationAccess(conversation, user);
		if (access === 'none') return { ok: false, code: CLOSE.forbidden, reason: 'not your conversation' };
		return { ok: true, readOnly: access === 'observer' };
	};
}
