import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { WebSocket } from 'ws';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Role } from '../../../src/lib/contracts/auth.ts';
import { questionsDocName } from '../../../src/lib/contracts/questions.ts';
import {
	QuestionDocProvider,
	type ProviderState,
	type SocketLike
} from '../../../src/lib/sync/yjs-provider.ts';
import { createSession } from '../auth/sessions.ts';
import { loadEnv, type Env } from '../env.ts';
import { sessionCookieName } from '../http/session.ts';
import { silentLogger } from '../log.ts';
import { ensureDefaultCommunity } from '../store/default-community.ts';
import type { Store } from '../store/types.ts';
import { DEFAULT_YJS_LIMITS, type YjsLimits } from '../yjs/limits.ts';
import { connectRedis, type RedisConnections } from '../redis/client.ts';
import { redisDocRelay } from '../yjs/relay.ts';
import { createYjsService, type YjsService } from '../yjs/service.ts';
import { uniqueEmail } from './factories.ts';
import { tempDir } from './harness.ts';
import { openTestStore, removeTestStore } from './store.ts';

/**
 * A real /yjs server on port 0 over a real store (test/store.ts: SQLite or PostgreSQL), which
 * tests can restart on the same DATA_DIR, and people with sessions to connect as. Issue #17: with
 * `redisUrl` it shares its documents through Redis, and a second one given the first's `dataDir`
 * is another instance over the same store; `redis` lets a test wrap its Redis connections (to
 * lose a message).
 */
export async function startYjsTestServer({
	limits = {},
	dataDir = tempDir('cg-yjs-'),
	redisUrl,
	redis: wrapRedis = (redis) => redis
}: {
	limits?: Partial<YjsLimits>;
	dataDir?: string;
	redisUrl?: string;
	redis?: (redis: RedisConnections) => RedisConnections;
} = {}) {
	const clock = () => new Date();
	let env: Env = loadEnv({ DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0' });
	let store: Store;
	let http: Server;
	let yjs: YjsService;
	let url = '';
	let redis: RedisConnections | undefined;
	const sockets = new Set<import('node:net').Socket>();

	async function start(port = 0) {
		store = await openTestStore({ dataDir });
		if (redisUrl) {
			redis = connectRedis({ url: redisUrl, log: silentLogger });
			await redis.ready();
		}
		await ensureDefaultCommunity(store, { ...env.defaultCommunity, now: clock() });
		http = createServer((_req, res) => res.writeHead(404).end());
		http.on('connection', (socket) => {
			sockets.add(socket);
			socket.on('close', () => sockets.delete(socket));
		});
		await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
		const bound = (http.address() as AddressInfo).port;
		env = { ...env, port: bound, publicUrl: `http://localhost:${bound}` };
		yjs = createYjsService({
			env,
			store,
			clock,
			log: silentLogger,
			limits: { ...DEFAULT_YJS_LIMITS, ...limits },
			relay: redis && redisDocRelay({ redis: wrapRedis(redis), log: silentLogger })
		});
		http.on('upgrade', (req, socket, head) => yjs.handleUpgrade(req, socket, head));
		url = `ws://127.0.0.1:${bound}/yjs`;
	}

	async function stop() {
		await yjs.close();
		for (const socket of sockets) socket.destroy();
		await new Promise((resolve) => http.close(resolve));
		await redis?.close();
		await store.close();
	}

	await start();

	const t = {
		dataDir,
		get url() {
			return url;
		},
		get store() {
			return store;
		},
		get yjs() {
			return yjs;
		},
		/**
		 * Stops as a killed process does, as far as anyone outside can tell: every socket is cut (no
		 * close message), nothing more is published, the port is closed. What it stored stays.
		 */
		async crash() {
			await redis?.close();
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => http.close(resolve));
		},
		/** Stops gracefully (as on SIGTERM) and starts again on the same port and data. */
		async restart() {
			const port = Number(new URL(url.replace('ws:', 'http:')).port);
			await stop();
			await start(port);
		},
		async person(role: Role, firstName = `Test ${role}`) {
			return store.transaction(async (repos) => {
				const now = clock();
				const user = await repos.users.create({
					role,
					email: uniqueEmail(role),
					firstName,
					lastName: 'Example',
					phone: null,
					language: 'en',
					partnerOrganizationId: null,
					personalCodeHash: null,
					now
				});
				const session = await createSession(repos, { userId: user.id, now, env });
				return { userId: user.id, cookie: `${sessionCookieName(env)}=${session}` };
			});
		},
		/** A conversation between two new participants, with a facilitator. */
		async conversation() {
			const [ana, ben, fay] = [
				await t.person('participant', 'Ana'),
				await t.person('participant', 'Ben'),
				await t.person('facilitator', 'Fay')
			];
			const [community] = await store.communities.list();
			const conversation = await store.transaction((repos) =>
				repos.conversations.create({
					communityId: community!.id,
					participantIds: [ana.userId, ben.userId],
					facilitatorId: fay.userId,
					now: clock()
				})
			);
			return { ana, ben, fay, id: conversation.id, docName: questionsDocName(conversation.id) };
		},
		async close() {
			await stop();
			rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
			await removeTestStore(dataDir);
		}
	};
	return t;
}

/** Our provider, in Node with `ws`, signed in through the cookie header. */
export function connectAs(
	server: { url: string },
	docName: string,
	cookie: string | undefined,
	{ doc = new Y.Doc(), origin, awareness }: { doc?: Y.Doc; origin?: string; awareness?: Awareness } = {}
) {
	const states: ProviderState[] = [];
	const provider = new QuestionDocProvider({
		url: `${server.url}/${docName}`,
		doc,
		awareness,
		createSocket: (url) =>
			new WebSocket(url, {
				headers: { ...(cookie && { cookie }), ...(origin && { origin }) }
			}) as unknown as SocketLike,
		onChange: (state) => states.push(state)
	});
	provider.connect();
	return { provider, doc, states };
}

/** Polls `check` until it holds (no fixed sleeps as assertions). */
export async function eventually(check: () => boolean | Promise<boolean>, { timeoutMs = 5_000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((r) => setTimeout(r, 10));
	}
}
