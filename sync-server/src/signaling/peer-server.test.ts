import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { roomPeerId } from '../../../src/lib/core/room-peer-id.ts';
import { createSession } from '../auth/sessions.ts';
import { loadEnv } from '../env.ts';
import { sessionCookieName } from '../http/session.ts';
import { silentLogger } from '../log.ts';
import { startServer, type RunningServer } from '../server.ts';
import { ensureDefaultCommunity } from '../store/default-community.ts';
import { uniqueEmail } from '../test/factories.ts';
import { tempDir } from '../test/harness.ts';
import { openTestStore, removeTestStore, testStoreEnv } from '../test/store.ts';

type Person = { userId: string; cookie: string };
let server: RunningServer;
let dataDir: string;
let people: Record<'ada' | 'ben' | 'zed' | 'yul', Person>;
let rooms: { ours: string; theirs: string };

/** Seeds two conversations (Ada+Ben, Zed+Yul) into a DATA_DIR, then serves it on port 0. */
beforeEach(async () => {
	dataDir = tempDir('cg-signaling-');
	const env = loadEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ...(await testStoreEnv(dataDir)) });
	const store = await openTestStore({ dataDir });
	const now = new Date();
	await ensureDefaultCommunity(store, { ...env.defaultCommunity, now });
	const [community] = await store.communities.list();
	const make = (firstName: string) =>
		store.transaction(async (repos) => {
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
	people = { ada: await make('Ada'), ben: await make('Ben'), zed: await make('Zed'), yul: await make('Yul') };
	const conversation = (a: Person, b: Person) =>
		store.conversations.create({ communityId: community!.id, participantIds: [a.userId, b.userId], now });
	rooms = {
		ours: (await conversation(people.ada, people.ben)).id,
		theirs: (await conversation(people.zed, people.yul)).id
	};
	await store.close();
	server = await startServer({ env, log: silentLogger });
});

afterEach(async () => {
	await server.close();
	rmSync(dataDir, { recursive: true, force: true });
	await removeTestStore(dataDir);
});

function socketUrl(peerId: string) {
	return `${server.url.replace('http', 'ws')}/peerjs/peerjs?key=peerjs&id=${peerId}&token=t${Math.random().toString(36).slice(2)}`;
}

/** Connects like the PeerJS client; resolves with the socket once the server said OPEN, or the refusal status. */
function connect(
	peerId: string,
	cookie?: string
): Promise<{ ws: WebSocket; messages: unknown[] } | { status: number }> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(socketUrl(peerId), { headers: cookie ? { cookie } : {} });
		const messages: unknown[] = [];
		ws.on('message', (data) => {
			const message = JSON.parse(data.toString()) as { type: string };
			if (message.type === 'OPEN') resolve({ ws, messages });
			else messages.push(message);
		});
		ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
		ws.on('error', reject);
	});
}

const peer = (who: Person, conversationId: string) => roomPeerId({ conversationId, userId: who.userId });

describe('/peerjs signaling', () => {
	it('lets a member of the conversation in', async () => {
		const result = await connect(peer(people.ada, rooms.ours), people.ada.cookie);
		expect('ws' in result).toBe(true);
		if ('ws' in result) result.ws.close();
	});

	it.each([
		['without a session', 'ada', 'ada', 'ours', false, 401],
		['as a signed-in stranger to the room', 'zed', 'zed', 'ours', true, 403],
		["with someone else's peer id", 'ben', 'ada', 'ours', true, 403],
		['for a conversation that does not exist', 'ada', 'ada', 'nowhere', true, 404]
	] as const)('refuses a socket %s', async (_case, as, idOf, room, withCookie, status) => {
		const conversationId = room === 'nowhere' ? 'no-such-room' : rooms[room];
		const result = await connect(
			peer(people[idOf], conversationId),
			withCookie ? people[as].cookie : undefined
		);
		expect(result).toEqual({ status });
	});

	it('refuses a socket opened from another site', async () => {
		const ws = new WebSocket(socketUrl(peer(people.ada, rooms.ours)), {
			headers: { cookie: people.ada.cookie, origin: 'https://evil.example' }
		});
		const status = await new Promise((resolve) =>
			ws.on('unexpected-response', (_r, res) => resolve(res.statusCode))
		);
		expect(status).toBe(403);
	});

	it('relays signaling inside a room and drops messages addressed to another room', async () => {
		const ada = await connect(peer(people.ada, rooms.ours), people.ada.cookie);
		const ben = await connect(peer(people.ben, rooms.ours), people.ben.cookie);
		const zed = await connect(peer(people.zed, rooms.theirs), people.zed.cookie);
		if (!('ws' in ada && 'ws' in ben && 'ws' in zed)) throw new Error('members were refused');
		const adaId = peer(people.ada, rooms.ours);
		zed.ws.send(JSON.stringify({ type: 'OFFER', dst: adaId, payload: { sdp: 'from-another-room' } }));
		// Two sockets are not ordered with each other: give Zed's message a head start.
		await new Promise((r) => setTimeout(r, 300));
		ben.ws.send(JSON.stringify({ type: 'OFFER', dst: adaId, payload: { sdp: 'from-my-partner' } }));
		await expect.poll(() => ada.messages.length).toBeGreaterThan(0);
		// Zed's message went first; had it been relayed, it would be here too, ahead of Ben's.
		expect(ada.messages).toEqual([
			{ type: 'OFFER', src: peer(people.ben, rooms.ours), dst: adaId, payload: { sdp: 'from-my-partner' } }
		]);
		for (const s of [ada, ben, zed]) s.ws.close();
	});
});
