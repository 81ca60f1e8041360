import type { IncomingMessage } from 'node:http';
import { parse as parseCookies } from 'hono/utils/cookie';
import { parseRoomPeerId } from '../../../src/lib/core/room-peer-id.ts';
import { sha256 } from '../auth/tokens.ts';
import type { Clock } from '../clock.ts';
import { admitToRoom } from '../conversations/room.ts';
import type { Env } from '../env.ts';
import { sessionCookieName } from '../http/session.ts';
import type { Store } from '../store/types.ts';

export type SocketVerdict =
	| { ok: true; conversationId: string; userId: string; peerId: string }
	| { ok: false; status: 400 | 401 | 403 | 404; reason: string };

/**
 * Decides whether a WebSocket upgrade to /peerjs may become a signaling connection: it must come from
 * our own origin, carry a live session, and ask for the peer id of that very person in a conversation
 * whose room they may enter (participants and facilitator only, as for the room API).
 */
export async function authorizeSignaling(
	request: Pick<IncomingMessage, 'url' | 'headers'>,
	{ store, env, clock }: { store: Store; env: Env; clock: Clock }
): Promise<SocketVerdict> {
	const origin = request.headers.origin;
	const host = request.headers.host;
	const allowedOrigins = [new URL(env.publicUrl).origin, `http://${host}`, `https://${host}`];
	if (origin !== undefined && !allowedOrigins.includes(origin)) {
		return { ok: false, status: 403, reason: 'cross-origin' };
	}
	const sessionId = parseCookies(request.headers.cookie ?? '', sessionCookieName(env))[
		sessionCookieName(env)
	];
	const user = sessionId ? await store.auth.findSessionUser(sha256(sessionId), clock()) : undefined;
	if (!user) return { ok: false, status: 401, reason: 'no session' };

	const peerId = new URL(request.url ?? '/', 'http://localhost').searchParams.get('id') ?? '';
	const wanted = parseRoomPeerId(peerId);
	if (!wanted) return { ok: false, status: 400, reason: 'not a room peer id' };
	if (wanted.userId !== user.userId) return { ok: false, status: 403, reason: "someone else's peer id" };

	const admission = await admitToRoom(store, wanted.conversationId, user);
	if (!admission.ok) {
		return {
			ok: false,
			status: admission.rejection.code === 'not_found' ? 404 : 403,
			reason: admission.rejection.code
		};
	}
	return { ok: true, conversationId: wanted.conversationId, userId: user.userId, peerId };
}
