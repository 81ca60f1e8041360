import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '../../../src/lib/contracts/auth.ts';
import { createApp } from '../app.ts';
import { createSession } from '../auth/sessions.ts';
import type { Clock } from '../clock.ts';
import { loadEnv, type Env, type EnvSource } from '../env.ts';
import { sessionCookieName } from '../http/session.ts';
import { silentLogger, type Logger } from '../log.ts';
import { createMailer } from '../mail/mailer.ts';
import { createTranscoder } from '../media/ffmpeg.ts';
import { createLiveHub } from '../live/hub.ts';
import { createMediaJobs } from '../media/jobs.ts';
import { connectRedis } from '../redis/client.ts';
import { ensureDefaultCommunity } from '../store/default-community.ts';
import { openStoreFor } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { uniqueEmail } from './factories.ts';
import { removeTestStore, testStoreEnv } from './store.ts';

/** A clock tests can move forward. */
export function testClock(start = new Date('2026-11-02T15:00:00Z')) {
	let now = start.getTime();
	const clock: Clock = () => new Date(now);
	return {
		clock,
		advanceMinutes(minutes: number) {
			now += minutes * 60_000;
		}
	};
}

export function tempDir(prefix = 'cg-test-'): string {
	return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * The real app over a real store (SQLite, or PostgreSQL with TEST_STORE=postgres: test/store.ts) in a
 * fresh temporary DATA_DIR. Call close() in afterEach.
 */
export async function createTestApp({
	env: envSource = {},
	clock,
	transcoderKind = 'system',
	dataDir = tempDir(),
	keepDataDir = false,
	log = silentLogger
}: {
	env?: EnvSource;
	clock?: Clock;
	transcoderKind?: 'system' | 'wasm';
	/** Boot over an existing DATA_DIR (a restart); keepDataDir leaves it in place on close. */
	dataDir?: string;
	keepDataDir?: boolean;
	/** Where the app logs (silent unless a test reads it). */
	log?: Logger;
} = {}) {
	const env: Env = loadEnv({
		DATA_DIR: dataDir,
		STATIC_DIR: join(dataDir, 'no-build'),
		...(await testStoreEnv(dataDir)),
		...envSource
	});
	const time = clock ?? testClock().clock;
	const store: Store = await openStoreFor(env, { log: silentLogger });
	await ensureDefaultCommunity(store, { ...env.defaultCommunity, now: time() });
	const mailer = createMailer({ env, store, log: silentLogger, clock: time });
	const transcoder = createTranscoder({ prefer: transcoderKind });
	// REDIS_URL in `env` (a test's redis-server, test/redis.ts): live state shared with other test apps (issue #17).
	const redis = env.redisUrl ? connectRedis({ url: env.redisUrl, log: silentLogger }) : undefined;
	const live = createLiveHub({ redis });
	await live.ready;
	const media = createMediaJobs({ env, store, mailer, clock: time, log: silentLogger, transcoder, live });
	const app = createApp({ env, store, mailer, clock: time, media, log, live, redis });
	const [community] = await store.communities.list();
	if (!community) throw new Error('no default community');

	return {
		app,
		store,
		env,
		dataDir,
		community,
		clock: time,
		media,
		live,
		/** JSON request as the client sends it; pass `cookie` to act as a signed-in person. */
		request(
			path: string,
			init: { method?: string; body?: unknown; cookie?: string; headers?: Record<string, string> } = {}
		) {
			const headers: Record<string, string> = { ...init.headers };
			if (init.body !== undefined) headers['content-type'] ??= 'application/json';
			if (init.cookie) headers.cookie = init.cookie;
			return app.request(path, {
				method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
				headers,
				body:
					init.body === undefined
						? undefined
						: typeof init.body === 'string'
							? init.body
							: JSON.stringify(init.body)
			});
		},
		async close() {
			// Waits for requests in flight and the work they started, then the jobs, mailer and store.
			await app.close();
			if (keepDataDir) return;
			rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
			await removeTestStore(dataDir);
		}
	};
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/** "name=value" of the session cookie a response sets, ready for a Cookie header. */
export function sessionCookie(res: Response): string {
	const setCookie = res.headers.get('set-cookie') ?? '';
	const match = /((?:__Host-)?cg_session=[^;]*)/.exec(setCookie);
	if (!match?.[1]) throw new Error(`no session cookie in: ${setCookie}`);
	return match[1];
}

/** The sign-in link token from the newest mail to `to` (through the dev mailbox, as e2e tests do). */
export async function latestSignInToken(t: TestApp, to: string): Promise<string> {
	const mail = (await (await t.request(`/api/dev/mailbox?to=${encodeURIComponent(to)}`)).json()) as {
		text: string;
	}[];
	const token = /signin\?token=([\w-]+)/.exec(mail[0]?.text ?? '')?.[1];
	if (!token) throw new Error(`no sign-in link mailed to ${to}`);
	return token;
}

/** Creates a user with `role` and a session for them; returns the Cookie header value. */
export async function signInAs(t: TestApp, role: Role, firstName = `Test ${role}`): Promise<string> {
	const sessionId = await t.store.transaction(async (repos) => {
		const now = t.clock();
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
		return createSession(repos, { userId: user.id, now, env: t.env });
	});
	return `${sessionCookieName(t.env)}=${sessionId}`;
}
