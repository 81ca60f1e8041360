import WebSocket from 'ws';
import { roomPeerId } from '../../../src/lib/core/room-peer-id.ts';
import { createSession } from '../auth/sessions.ts';
import type { Env } from '../env.ts';
import { sessionCookieName } from '../http/session.ts';
import { ensureDefaultCommunity } from '../store/default-community.ts';
import type { Store } from '../store/types.ts';
import { uniqueEmail } from './factories.ts';

export type Person = { userId: string; cookie: string };
/** A PeerJS-protocol client: its socket, and every message after the server's OPEN. */
export type TestPeer = { ws: WebSocket; messages: { type: string }[] };

/** Two conversations, Ada+Ben ('ours') and Zed+Yul ('theirs'), each person with a session. */
export async function seedTwoRooms(store: Store, env: Env) {
	const now = new Date();
	await ensureDefaultCommunity(store, { ...env.defaultCommunity, now });
	const [community] = await store.communities.list();
	const make = (firstName: string) =>
		store.transaction(async (repos): Promise<Person> => {
			const user = await repos.users.create({
				role: 'participant',
				email: uniqueEmail(firstName),
				firstName,
				lastName: 'Example',
				phone: null,
				language: 'en',
				partnerOrganizationId: null,
				personalCodeHash: null,
				now
			});
			const sessionId = await createSession(repos, { userId: user.id, now, env });
			return { userId: user.id, cookie: `${sessionCookieName(env)}=${sessionId}` };
		});
	const people = {
		ada: await make('Ada'),
		ben: await make('Ben'),
		zed: await make('Zed'),
		yul: await make('Yul')
	};
	const conversation = (x: Person, y: Person) =>
		store.conversations.create({ communityId: community!.id, participantIds: [x.userId, y.userId], now });
	const rooms = {
		ours: (await conversation(people.ada, people.ben)).id,
		theirs: (await conversation(people.zed, people.yul)).id
	};
	return { people, rooms };
}

export const peerIdOf = (who: Person, conversationId: string) =>
	roomPeerId({ conversationId, userId: who.userId });

/**
 * Connects like the PeerJS client to `socketUrl` (…/peerjs/peerjs); resolves once the server said
 * OPEN. `opened` collects the sockets so a test can end them all.
 */
export function connectPeer(
	socketUrl: string,
	{ who, conversationId, opened }: { who: Person; conversationId: string; opened: WebSocket[] }
): Promise<TestPeer> {
	return new Promise((resolve, reject) => {
		const token = `t${Math.random().toString(36).slice(2)}`;
		const id = peerIdOf(who, conversationId);
		const ws = new WebSocket(`${socketUrl}?key=peerjs&id=${id}&token=${token}`, {
			headers: { cookie: who.cookie }
		});
		opened.push(ws);
		const messages: { type: string }[] = [];
		ws.on('message', (data) => {
			const message = JSON.parse(data.toString()) as { type: string };
			if (message.type === 'OPEN') resolve({ ws, messages });
			else messages.push(message);
		});
		ws.on('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
		ws.on('error', reject);
	});
}
