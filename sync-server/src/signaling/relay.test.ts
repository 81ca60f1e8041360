import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { roomPeerId } from '../../../src/lib/core/room-peer-id.ts';
import { createSession } from '../auth/sessions.ts';
import { systemClock } from '../clock.ts';
import { loadEnv, type Env } from '../env.ts';
import { sessionCookieName } from '../http/session.ts';
import { silentLogger } from '../log.ts';
import { connectRedis, type RedisConnections } from '../redis/client.ts';
import { ensureDefaultCommunity } from '../store/default-community.ts';
import { openStore } from '../store/sqlite.ts';
import type { Store } from '../store/types.ts';
import { uniqueEmail } from '../test/factories.ts';
import { tempDir } from '../test/harness.ts';
import { startTestRedis, type TestRedis } from '../test/redis.ts';
import { createSignaling, PEERJS_PATH } from './peer-server.ts';
import { presenceKey } from './relay.ts';

type Person = { userId: string; cookie: string };
type Instance = { url: string; redis: RedisConnections; close(): Promise<void> };
type Peer = { ws: WebSocket; messages: { type: string }[] };

let redisServer: TestRedis;
let redis: RedisConnections;
let dataDir: string;
let env: Env;
let store: Store;
let people: Record<'ada' | 'ben' | 'zed', Person>;
let rooms: { ours: string; theirs: string };
let a: Instance;
let b: Instance;
const sockets: WebSocket[] = [];

beforeAll(async () => {
	redisServer = await startTestRedis();
	redis = connectRedis({ url: redisServer.url, log: silentLogger });
});
afterAll(async () => {
	await redis.close();
	await redisServer.stop();
});

/** One store (the database every instance shares), two signaling instances on one Redis. */
beforeEach(async () => {
	await redisServer.flush();
	dataDir = tempDir('cg-relay-');
	env = loadEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
	store = await openStore({ dataDir });
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
	people = { ada: await make('Ada'), ben: await make('Ben'), zed: await make('Zed') };
	const yul = await make('Yul');
	const conversation = (x: Person, y: Person) =>
		store.conversations.create({ communityId: community!.id, participantIds: [x.userId, y.userId], now });
	rooms = {
		ours: (await conversation(people.ada, people.ben)).id,
		theirs: (await conversation(people.zed, yul)).id
	};
	a = await startInstance();
	b = await startInstance();
});

afterEach(async () => {
	for (const ws of sockets.splice(0)) ws.terminate();
	await a.close();
	await b.close();
	await store.close();
	rmSync(dataDir, { recursive: true, force: true });
});

async function startInstance(): Promise<Instance> {
	const http: Server = createServer();
	const own = connectRedis({ url: redisServer.url, log: silentLogger });
	const signaling = createSignaling({
		httpServer: http,
		store,
		env,
		clock: systemClock,
		log: silentLogger,
		redis: own
	});
	http.on('upgrade', signaling.handle);
	await signaling.ready;
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	const { port } = http.address() as AddressInfo;
	let closing: Promise<void> | undefined;
	return {
		url: `ws://127.0.0.1:${port}${PEERJS_PATH}/peerjs`,
		redis: own,
		close: () =>
			(closing ??= (async () => {
				await signaling.close();
				http.closeAllConnections();
				await new Promise((resolve) => http.close(resolve));
				await own.close();
			})())
	};
}

const peer = (who: Person, conversationId: string) => roomPeerId({ conversationId, userId: who.userId });

/** Connects like the PeerJS client; resolves once the server said OPEN, collecting what comes after. */
function connect(instance: Instance, who: Person, conversationId: string): Promise<Peer> {
	return new Promise((resolve, reject) => {
		const token = `t${Math.random().toString(36).slice(2)}`;
		const ws = new WebSocket(`${instance.url}?key=peerjs&id=${peer(who, conversationId)}&token=${token}`, {
			headers: { cookie: who.cookie }
		});
		sockets.push(ws);
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

/** Resolves once the registry names an instance for the peer (it registers as `peer` opens it). */
async function registered(peerId: string) {
	await expect.poll(() => redis.command.get(presenceKey(peerId))).not.toBeNull();
	return (await redis.command.get(presenceKey(peerId)))!;
}

describe('PeerJS signaling across instances (issue #17)', () => {
	it('relays an OFFER from a peer on one instance to its partner on another, and the answers back in order', async () => {
		const adaId = peer(people.ada, rooms.ours);
		const benId = peer(people.ben, rooms.ours);
		const ada = await connect(a, people.ada, rooms.ours);
		const ben = await connect(b, people.ben, rooms.ours);
		expect(await registered(adaId)).not.toBe(await registered(benId));

		ben.ws.send(JSON.stringify({ type: 'OFFER', dst: adaId, payload: { sdp: 'offer' } }));
		await expect
			.poll(() => ada.messages)
			.toEqual([{ type: 'OFFER', src: benId, dst: adaId, payload: { sdp: 'offer' } }]);
		ada.ws.send(JSON.stringify({ type: 'ANSWER', dst: benId, payload: { sdp: 'answer' } }));
		for (let i = 0; i < 5; i++)
			ada.ws.send(JSON.stringify({ type: 'CANDIDATE', dst: benId, payload: { candidate: i } }));
		// A LEAVE ends it, as when Ada hangs up.
		ada.ws.send(JSON.stringify({ type: 'LEAVE', dst: benId }));
		await expect.poll(() => ben.messages.length).toBe(7);
		expect(ben.messages.map((m) => m.type)).toEqual([
			'ANSWER',
			...Array<string>(5).fill('CANDIDATE'),
			'LEAVE'
		]);
		expect(ben.messages.slice(1, 6)).toEqual(
			[0, 1, 2, 3, 4].map((i) => ({ type: 'CANDIDATE', src: adaId, dst: benId, payload: { candidate: i } }))
		);
	});

	it('refuses a message for a peer of another conversation, sent from either instance', async () => {
		const adaId = peer(people.ada, rooms.ours);
		const ada = await connect(a, people.ada, rooms.ours);
		const zed = await connect(b, people.zed, rooms.theirs);
		const ben = await connect(b, people.ben, rooms.ours);
		const aInstance = await registered(adaId);
		// Zed's socket may only address his own room: the sending instance drops this.
		zed.ws.send(JSON.stringify({ type: 'OFFER', dst: adaId, payload: { sdp: 'from-another-room' } }));
		// And one forged straight onto A's channel, past B's check: A checks the room again.
		await redis.command.publish(
			`signal:${aInstance}`,
			JSON.stringify({
				type: 'OFFER',
				src: peer(people.zed, rooms.theirs),
				dst: adaId,
				payload: { sdp: 'forged' }
			})
		);
		// Two sockets are not ordered with each other: give Zed's message a head start.
		await new Promise((r) => setTimeout(r, 300));
		ben.ws.send(JSON.stringify({ type: 'OFFER', dst: adaId, payload: { sdp: 'from-my-partner' } }));
		await expect.poll(() => ada.messages.length).toBeGreaterThan(0);
		// Zed's went first; had either been relayed, it would be here too, ahead of Ben's.
		expect(ada.messages).toEqual([
			{ type: 'OFFER', src: peer(people.ben, rooms.ours), dst: adaId, payload: { sdp: 'from-my-partner' } }
		]);
	});

	it("takes an instance's peers out of the registry when it closes, and leaves the others'", async () => {
		const adaId = peer(people.ada, rooms.ours);
		const benId = peer(people.ben, rooms.ours);
		await connect(a, people.ada, rooms.ours);
		await connect(b, people.ben, rooms.ours);
		await registered(adaId);
		const bInstance = await registered(benId);
		await a.close();
		expect(await redis.command.get(presenceKey(adaId))).toBeNull();
		expect(await redis.command.get(presenceKey(benId))).toBe(bInstance);
	});

	it('takes a peer out of the registry when its socket closes', async () => {
		const adaId = peer(people.ada, rooms.ours);
		const ada = await connect(a, people.ada, rooms.ours);
		await registered(adaId);
		ada.ws.close();
		await expect.poll(() => redis.command.get(presenceKey(adaId))).toBeNull();
	});

	it('forgets a peer whose instance is gone (killed: nobody listens on its channel) and keeps the message here, as `peer` would', async () => {
		const adaId = peer(people.ada, rooms.ours);
		const ben = await connect(b, people.ben, rooms.ours);
		await redis.command.set(presenceKey(adaId), 'an-instance-that-was-killed', 'PX', 60_000);
		ben.ws.send(JSON.stringify({ type: 'OFFER', dst: adaId, payload: { sdp: 'offer' } }));
		await expect.poll(() => redis.command.get(presenceKey(adaId))).toBeNull();
		// `peer` on B queued it: Ada, reconnecting to B, gets it there.
		const ada = await connect(b, people.ada, rooms.ours);
		await expect
			.poll(() => ada.messages)
			.toEqual([{ type: 'OFFER', src: peer(people.ben, rooms.ours), dst: adaId, payload: { sdp: 'offer' } }]);
	});

	it('a peer that reconnects to another instance is reached there', async () => {
		const adaId = peer(people.ada, rooms.ours);
		const first = await connect(a, people.ada, rooms.ours);
		const ben = await connect(a, people.ben, rooms.ours);
		await registered(adaId);
		first.ws.close();
		await expect.poll(() => redis.command.get(presenceKey(adaId))).toBeNull();
		const again = await connect(b, people.ada, rooms.ours);
		await registered(adaId);
		ben.ws.send(JSON.stringify({ type: 'OFFER', dst: adaId, payload: { sdp: 'offer' } }));
		await expect
			.poll(() => again.messages)
			.toEqual([{ type: 'OFFER', src: peer(people.ben, rooms.ours), dst: adaId, payload: { sdp: 'offer' } }]);
		expect(first.messages).toEqual([]);
	});
});
