// A /yjs server in its own process for `npm run bench`: ours (real SQLite persistence and session
// authorization) or one of the two references, in memory as they run by default.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

type Kind = 'ours' | 'hocuspocus' | 'y-websocket';
const kind = process.argv[2] as Kind;
const rooms = Number(process.argv[3] ?? 1000);
const gc = (globalThis as { gc?: () => void }).gc;

function memory() {
	for (let i = 0; i < 3; i++) gc?.();
	const m = process.memoryUsage();
	return { heapUsed: m.heapUsed, external: m.external, rss: m.rss };
}

async function startOurs() {
	const { mkdtempSync } = await import('node:fs');
	const { tmpdir } = await import('node:os');
	const { join } = await import('node:path');
	const { loadEnv } = await import('../../sync-server/src/env.ts');
	const { openStoreFor } = await import('../../sync-server/src/store/open.ts');
	const { ensureDefaultCommunity } = await import('../../sync-server/src/store/default-community.ts');
	const { createSession } = await import('../../sync-server/src/auth/sessions.ts');
	const { createYjsService } = await import('../../sync-server/src/yjs/service.ts');
	const { createLogger } = await import('../../sync-server/src/log.ts');
	const { sessionCookieName } = await import('../../sync-server/src/http/session.ts');
	const { questionsDocName } = await import('../../src/lib/contracts/questions.ts');

	// Issue #17 (bench/yjs/instances.ts): a second instance gets the first one's folder, which holds the
	// SQLite file they share (or nothing, with DATABASE_URL), and seeds nothing itself.
	const dataDir = process.env.BENCH_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'cg-bench-yjs-'));
	const seedRooms = process.env.BENCH_SEED === '0' ? 0 : rooms;
	const http = createServer((_req, res) => res.writeHead(404).end());
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	const port = (http.address() as AddressInfo).port;
	const env = {
		// DATABASE_URL set: the documents' log is on PostgreSQL (issue #17).
		...loadEnv({ DATA_DIR: dataDir, PORT: String(port), DATABASE_URL: process.env.DATABASE_URL }),
		port,
		publicUrl: `http://localhost:${port}`
	};
	const store = await openStoreFor(env, { log: createLogger({ stream: process.stderr }) });
	await ensureDefaultCommunity(store, { ...env.defaultCommunity, now: new Date() });
	const [community] = await store.communities.list();
	// Two signed-in participants per conversation, as in real use.
	const clients = await store.transaction(async (repos) => {
		const out: { docName: string; cookies: [string, string] }[] = [];
		const now = new Date();
		for (let r = 0; r < seedRooms; r++) {
			const people = [];
			for (const who of ['a', 'b']) {
				const user = await repos.users.create({
					role: 'participant',
					email: `bench-${r}-${who}@example.org`,
					firstName: who,
					lastName: '',
					phone: null,
					language: 'en',
					partnerOrganizationId: null,
					personalCodeHash: null,
					now
				});
				const session = await createSession(repos, { userId: user.id, now, env });
				people.push({ id: user.id, cookie: `${sessionCookieName(env)}=${session}` });
			}
			const conversation = await repos.conversations.create({
				communityId: community!.id,
				participantIds: [people[0]!.id, people[1]!.id],
				now
			});
			out.push({
				docName: questionsDocName(conversation.id),
				cookies: [people[0]!.cookie, people[1]!.cookie]
			});
		}
		return out;
	});
	const log = createLogger({ stream: process.stderr });
	const relay = process.env.BENCH_REDIS_URL ? await timedRelay(process.env.BENCH_REDIS_URL, log) : undefined;
	const yjs = createYjsService({ env, store, clock: () => new Date(), log, relay });
	http.on('upgrade', (req, socket, head) => yjs.handleUpgrade(req, socket, head));
	return { port, clients, path: '/yjs/' };
}

/**
 * The relay through Redis, with the time each update is published and each one from the other
 * instance arrives (wall-clock ms, comparable across processes on one machine), keyed by log id.
 */
const relayTimes = { published: new Map<number, number>(), received: new Map<number, number>() };
const wallMs = () => performance.timeOrigin + performance.now();

async function timedRelay(url: string, log: import('../../sync-server/src/log.ts').Logger) {
	const { connectRedis } = await import('../../sync-server/src/redis/client.ts');
	const { redisDocRelay, decodeRelayMessage } = await import('../../sync-server/src/yjs/relay.ts');
	const redis = connectRedis({ url, log });
	await redis.ready();
	const relay = redisDocRelay({ redis, log });
	const idOf = (data: Uint8Array) => {
		const message = decodeRelayMessage(data);
		return message.kind === 0 && message.from !== relay.instanceId ? message.id : undefined;
	};
	const publish = redis.command.publish.bind(redis.command);
	redis.command.publish = ((channel: string, message: Buffer) => {
		const decoded = decodeRelayMessage(message);
		if (decoded.kind === 0) relayTimes.published.set(decoded.id, wallMs());
		return publish(channel, message);
	}) as typeof redis.command.publish;
	const subscribe = redis.subscribe.bind(redis);
	redis.subscribe = (channel, handler) =>
		subscribe(channel, (data) => {
			const id = idOf(data);
			if (id !== undefined) relayTimes.received.set(id, wallMs());
			handler(data);
		});
	return relay;
}

async function startYWebsocket() {
	const { setupWSConnection } = await import('@y/websocket-server/utils');
	const http = createServer((_req, res) => res.writeHead(404).end());
	const wss = new WebSocketServer({ noServer: true });
	wss.on('connection', (ws, req) => setupWSConnection(ws, req));
	http.on('upgrade', (req, socket, head) =>
		wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
	);
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	return { port: (http.address() as AddressInfo).port, clients: names(), path: '/' };
}

async function startHocuspocus() {
	const { Server } = await import('@hocuspocus/server');
	const server = new Server({ port: 0, address: '127.0.0.1', quiet: true, stopOnSignals: false });
	await server.listen();
	return { port: server.address.port, clients: names(), path: '/' };
}

function names() {
	return Array.from({ length: rooms }, (_, r) => ({
		docName: `room-${r}`,
		cookies: ['', ''] as [string, string]
	}));
}

const started =
	kind === 'ours'
		? await startOurs()
		: kind === 'hocuspocus'
			? await startHocuspocus()
			: await startYWebsocket();
const baseline = memory();
process.send?.({ type: 'ready', ...started, baseline });
process.on('message', (message: { type: string }) => {
	if (message.type === 'memory') process.send?.({ type: 'memory', ...memory() });
	if (message.type === 'relay-times') {
		process.send?.({
			type: 'relay-times',
			published: [...relayTimes.published],
			received: [...relayTimes.received]
		});
	}
	if (message.type === 'stop') process.exit(0);
});
