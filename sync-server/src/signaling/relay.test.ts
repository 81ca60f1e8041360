import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IClient } from 'peer';
import type WebSocket from 'ws';
import { systemClock } from '../clock.ts';
import { loadEnv, type Env } from '../env.ts';
import { silentLogger } from '../log.ts';
import { connectRedis, type RedisConnections } from '../redis/client.ts';
import { startServer } from '../server.ts';
import type { Store } from '../store/types.ts';
import { tempDir } from '../test/harness.ts';
import { startTestRedis, type TestRedis } from '../test/redis.ts';
import {
	connectPeer,
	peerIdOf as peer,
	seedTwoRooms,
	type Person,
	type TestPeer
} from '../test/signaling.ts';
import { openTestStore, removeTestStore, testStoreEnv } from '../test/store.ts';
import { createSignaling, PEERJS_PATH } from './peer-server.ts';
import { createSignalingRelay, presenceKey } from './relay.ts';

type Instance = { url: string; close(): Promise<void> };

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
	env = loadEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ...(await testStoreEnv(dataDir)) });
	store = await openTestStore({ dataDir });
	({ people, rooms } = await seedTwoRooms(store, env));
	a = await startInstance();
	b = await startInstance();
});

afterEach(async () => {
	for (const ws of sockets.splice(0)) ws.terminate();
	await a.close();
	await b.close();
	await store.close();
	rmSync(dataDir, { recursive: true, force: true });
	await removeTestStore(dataDir);
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
		close: () =>
			(closing ??= (async () => {
				await signaling.close();
				http.closeAllConnections();
				await new Promise((resolve) => http.close(resolve));
				await own.close();
			})())
	};
}

const connect = (instance: Instance, who: Person, conversationId: string): Promise<TestPeer> =>
	connectPeer(instance.url, { who, conversationId, opened: sockets });

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

	it('answers EXPIRE at once when the instance the registry named no longer has the peer', async () => {
		const adaId = peer(people.ada, rooms.ours);
		const benId = peer(people.ben, rooms.ours);
		await connect(b, people.zed, rooms.theirs);
		const bInstance = await registered(peer(people.zed, rooms.theirs));
		// The registry still names B for Ada, who has just left it.
		await redis.command.set(presenceKey(adaId), bInstance, 'PX', 60_000);
		const ben = await connect(a, people.ben, rooms.ours);
		ben.ws.send(JSON.stringify({ type: 'OFFER', dst: adaId, payload: { sdp: 'offer' } }));
		// As `peer` tells the caller of a peer that isn't there (it would after its 5 s wait).
		await expect.poll(() => ben.messages).toEqual([{ type: 'EXPIRE', src: adaId, dst: benId }]);
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

describe('two servers with REDIS_URL (issue #17)', () => {
	it("relay signaling between their /peerjs, and a closed server's peers leave the registry", async () => {
		// Both over the one database of this test (for SQLite, the file in one DATA_DIR).
		const serverEnv = loadEnv({
			PORT: '0',
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			REDIS_URL: redisServer.url,
			...(await testStoreEnv(dataDir))
		});
		const one = await startServer({ env: serverEnv, log: silentLogger });
		const two = await startServer({ env: serverEnv, log: silentLogger });
		try {
			const socketUrl = (server: { url: string }) =>
				`${server.url.replace('http', 'ws')}${PEERJS_PATH}/peerjs`;
			const adaId = peer(people.ada, rooms.ours);
			const ada = await connectPeer(socketUrl(one), {
				who: people.ada,
				conversationId: rooms.ours,
				opened: sockets
			});
			const ben = await connectPeer(socketUrl(two), {
				who: people.ben,
				conversationId: rooms.ours,
				opened: sockets
			});
			await registered(adaId);
			await registered(peer(people.ben, rooms.ours));
			ben.ws.send(JSON.stringify({ type: 'OFFER', dst: adaId, payload: { sdp: 'offer' } }));
			await expect
				.poll(() => ada.messages)
				.toEqual([
					{ type: 'OFFER', src: peer(people.ben, rooms.ours), dst: adaId, payload: { sdp: 'offer' } }
				]);
			await one.close();
			expect(await redis.command.get(presenceKey(adaId))).toBeNull();
		} finally {
			await one.close();
			await two.close();
		}
	});
});

describe('the registry of peers (issue #17)', () => {
	it("keeps a connected peer's presence past its expiry by refreshing it, and lets it expire once its instance is gone", async () => {
		const own = connectRedis({ url: redisServer.url, log: silentLogger });
		const relay = createSignalingRelay({ redis: own, log: silentLogger, presenceTtlMs: 300 });
		await relay.ready;
		const adaId = peer(people.ada, rooms.ours);
		const client = { getId: () => adaId } as unknown as IClient;
		relay.arrived(client);
		await registered(adaId);
		// Three lifetimes later it is still there: the instance refreshes what it holds.
		await new Promise((r) => setTimeout(r, 900));
		expect(await redis.command.get(presenceKey(adaId))).not.toBeNull();
		// The instance loses Redis without a word (killed): nothing refreshes, and the peer expires.
		await own.close();
		await expect.poll(() => redis.command.get(presenceKey(adaId)), { timeout: 5_000 }).toBeNull();
		await relay.close();
	});
});
