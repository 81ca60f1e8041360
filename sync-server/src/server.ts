import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createTranscoder } from './media/ffmpeg.ts';
import { createLiveHub } from './live/hub.ts';
import { docChangesToLive } from './live/doc-changes.ts';
import { openBlobStore } from './media/blob-store.ts';
import { createMediaJobs } from './media/jobs.ts';
import { createApp, type App } from './app.ts';
import { createUpgradeRouter } from './http/upgrade.ts';
import { systemClock, type Clock } from './clock.ts';
import { EnvError, withBoundPort, type Env } from './env.ts';
import { sealingKeyRefusal } from './kiosk/sealing.ts';
import { createLogger, type Logger } from './log.ts';
import { createMailer, type MailTransport } from './mail/mailer.ts';
import { ensureDefaultCommunity } from './store/default-community.ts';
import { openStoreFor } from './store/open.ts';
import { finishStrandedUploads } from './uploads/confirm.ts';
import { sweepAbandonedUploads } from './uploads/sweep.ts';
import { startTimers } from './jobs/timers.ts';
import { createYjsService } from './yjs/service.ts';
import { redisDocRelay } from './yjs/relay.ts';
import { createSignaling, PEERJS_PATH } from './signaling/peer-server.ts';
import { connectRedis } from './redis/client.ts';

export interface RunningServer {
	/** Where this process listens, e.g. http://127.0.0.1:41234 (port 0 is replaced by the real port). */
	url: string;
	env: Env;
	close(): Promise<void>;
}

const MAIL_RETRY_MS = 60_000;
const CLEANUP_MS = 60 * 60_000;
/** How often an instance looks for jobs and timers other instances asked for or left (issue #17). */
const JOB_POLL_MS = 3_000;

/** Opens the store (running migrations), then serves the app on env.port/env.host. */
export async function startServer({
	env,
	log = createLogger(),
	clock = systemClock,
	mailTransport
}: {
	env: Env;
	log?: Logger;
	clock?: Clock;
	mailTransport?: MailTransport;
}): Promise<RunningServer> {
	// Instances sharing a database must share the kiosks' sealing key too (issue #17).
	const refusal = sealingKeyRefusal(env);
	if (refusal) throw new EnvError([refusal]);
	const store = await openStoreFor(env, { log });
	await ensureDefaultCommunity(store, { ...env.defaultCommunity, now: clock() });
	// Live state shared with the other instances (issue #17); a Redis that doesn't answer stops the start.
	const redis = env.redisUrl ? connectRedis({ url: env.redisUrl, log }) : undefined;
	// So does a bucket (S3_*) that doesn't answer, rather than the first confirmed upload.
	const blobs = openBlobStore(env);
	try {
		await redis?.ready();
		await blobs.ready();
	} catch (error) {
		blobs.close();
		await redis?.close();
		await store.close();
		throw error;
	}

	// The app needs the bound port for PUBLIC_URL (port 0 in tests), so it is built after listen.
	const ready: { app?: App } = {};
	const server = createAdaptorServer({
		fetch: (request, bindings) =>
			ready.app ? ready.app.fetch(request, bindings) : new Response('Starting…', { status: 503 })
	});
	// WebSocket features register here by path prefix (see http/upgrade.ts).
	const upgrades = createUpgradeRouter();
	server.on('upgrade', upgrades.handle);
	try {
		await listen(server, env.port, env.host);
	} catch (error) {
		blobs.close();
		await redis?.close();
		await store.close();
		throw error;
	}
	const { port } = server.address() as AddressInfo;
	const boundEnv = withBoundPort(env, port);
	const mailer = createMailer({ env: boundEnv, store, log, clock, transport: mailTransport });
	// The shared question lists (issue #4): y-websocket protocol at /yjs/:doc.
	const live = createLiveHub({ redis, log });
	const yjs = createYjsService({
		env: boundEnv,
		store,
		clock,
		log,
		// Partners on different instances co-edit through Redis (issue #17).
		relay: redis && redisDocRelay({ redis, log }),
		onStored: docChangesToLive({ store, live, log })
	});
	upgrades.route('/yjs/', yjs.handleUpgrade);
	const media = createMediaJobs({
		env: boundEnv,
		store,
		mailer,
		clock,
		log,
		live,
		transcoder: createTranscoder(),
		pollMs: JOB_POLL_MS,
		blobs
	});
	// A mix cut off by a crash or a restart runs again (its file is only ever renamed into place whole).
	void media.resumeInterrupted();
	const app = createApp({ env: boundEnv, store, mailer, clock, log, media, live, redis });
	ready.app = app;
	// An upload whose bytes all arrived but whose track was never filed (the server stopped, or its
	// database write failed, during the last PATCH) is finished now, not when its device comes back
	// (issue #16). close() waits for it, so it never races the store shutting down.
	const uploadsFinished = finishStrandedUploads({ env: boundEnv, store, clock, log, media })
		.then(({ confirmed, refused, failed }) => {
			if (confirmed.length + refused.length + failed.length > 0)
				log.info('whole uploads finished at boot', { confirmed, refused, failed });
		})
		.catch((error: unknown) => log.error('finishing uploads at boot failed', { error }));
	const signaling = createSignaling({
		httpServer: server as Server,
		store,
		env: boundEnv,
		clock,
		log,
		redis
	});
	await signaling.ready;
	upgrades.route(PEERJS_PATH, signaling.handle);

	// Mail that failed, or was queued just before a restart, goes out without waiting for new mail.
	void mailer.flush();
	// Once per period across all instances (issue #17): the outbox's retries and its reminders (mail
	// waiting for its send_after), and expired sessions and sign-in links.
	const timers = await startTimers({
		store,
		clock,
		log,
		pollMs: JOB_POLL_MS,
		timers: [
			{ name: 'mail', everyMs: MAIL_RETRY_MS, run: () => mailer.flush() },
			{ name: 'cleanup', everyMs: CLEANUP_MS, run: () => store.auth.deleteExpired(clock()) }
		]
	});
	// Per instance, not once: each instance's unfinished tus uploads are on its own DATA_DIR.
	const sweep = () =>
		// tus stamps creation_date with the real time, so the sweep compares with the real time too.
		sweepAbandonedUploads(boundEnv.dataDir)
			.then((removed) => removed.length > 0 && log.info('abandoned uploads removed', { removed }))
			.catch((error: unknown) => log.error('upload sweep failed', { error }));
	void sweep();
	const sweeps = setInterval(() => void sweep(), CLEANUP_MS);
	sweeps.unref();

	const host = env.host === '0.0.0.0' || env.host === '::' ? 'localhost' : env.host;
	const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
	let closing: Promise<void> | undefined;
	return {
		url,
		env: boundEnv,
		close() {
			closing ??= (async () => {
				clearInterval(sweeps);
				// Clients are told to reconnect, and every document is stored, before the port closes.
				await yjs.close();
				await signaling.close();
				await stopListening(server);
				await uploadsFinished;
				await timers.close();
				// The app waits for its requests and background work, then closes the jobs, mailer and store.
				await app.close();
			})();
			return closing;
		}
	};
}

function listen(server: ReturnType<typeof createAdaptorServer>, port: number, host: string): Promise<void> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
}

/** Stops accepting connections, lets requests in flight finish, and drops idle keep-alive sockets. */
function stopListening(server: ReturnType<typeof createAdaptorServer>): Promise<void> {
	return new Promise((resolve, reject) => {
		server.close((error) => (error ? reject(error) : resolve()));
		if ('closeIdleConnections' in server) server.closeIdleConnections();
		const force = setTimeout(() => {
			if ('closeAllConnections' in server) server.closeAllConnections();
		}, 5_000);
		force.unref();
	});
}
