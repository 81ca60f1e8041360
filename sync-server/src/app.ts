import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { compress } from 'hono/compress';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { createFailureLimiter } from './auth/rate-limit.ts';
import { systemClock, type Clock } from './clock.ts';
import type { AppDeps } from './deps.ts';
import type { Env } from './env.ts';
import type { AppEnv } from './http/context.ts';
import { CSP_REPORT_PATH, cspHeader, cspReports } from './http/csp.ts';
import { declaredBodyLimit } from './http/body-limit.ts';
import { csrfGuard } from './http/csrf.ts';
import { AppError, createErrorHandler, notFound } from './http/errors.ts';
import { spa } from './http/static.ts';
import { silentLogger, type Logger } from './log.ts';
import type { Mailer } from './mail/mailer.ts';
import { createTranscoder, type Transcoder } from './media/ffmpeg.ts';
import { createMediaJobs, type MediaJobs } from './media/jobs.ts';
import { createLiveHub, type LiveHub } from './live/hub.ts';
import { connectRedis, type RedisConnections } from './redis/client.ts';
import { afterRoutes } from './routes/after.ts';
import { eventRoutes } from './routes/events.ts';
import { archiveRoutes } from './routes/archive.ts';
import { reflectionRoutes } from './routes/reflections.ts';
import { uploadRoutes } from './routes/uploads.ts';
import { createTusServer } from './uploads/tus.ts';
import { authRoutes } from './routes/auth.ts';
import { communityRoutes } from './routes/communities.ts';
import { conversationRoutes } from './routes/conversations.ts';
import { coordinatorMatchingRoutes } from './routes/coordinator-matching.ts';
import { coordinatorProgramRoutes } from './routes/coordinator-program.ts';
import { devMailboxApiRoutes, devMailboxPageRoutes } from './routes/dev.ts';
import { healthRoutes } from './routes/health.ts';
import { inviteRoutes } from './routes/invites.ts';
import {
	kioskAdminRoutes,
	kioskChunkRoutes,
	kioskDeviceRoutes,
	kioskVisitorRoutes
} from './routes/kiosks.ts';
import { KIOSK_CHUNKS_PATH, KIOSK_CODE_CEILING } from '../../src/lib/contracts/kiosk.ts';
import { loadSealer, type Sealer } from './kiosk/sealing.ts';
import { meRoutes, sessionRoutes } from './routes/me.ts';
import { mutationRoutes } from './routes/mutations.ts';
import { questionRoutes } from './routes/questions.ts';
import { roomRoutes, timeRoutes } from './routes/room.ts';
import { participationRoutes } from './routes/participation.ts';
import { partnerRoutes } from './routes/partner.ts';
import type { Store } from './store/types.ts';

export interface CreateAppOptions {
	env: Env;
	store: Store;
	mailer: Mailer;
	clock?: Clock;
	log?: Logger;
	/** Mixing jobs; tests may pass their own. Default: system ffmpeg if present, else ffmpeg.wasm. */
	media?: MediaJobs;
	/** Shared with the media jobs, which say when a copy is ready. */
	live?: LiveHub;
	transcoder?: Transcoder;
	/** Made from REDIS_URL when not given (issue #17); the app closes them when it closes. */
	redis?: RedisConnections;
}

const MINUTE = 60_000;

export function createApp({
	env,
	store,
	mailer,
	clock = systemClock,
	log = silentLogger,
	...options
}: CreateAppOptions) {
	// What close() waits for: requests being answered, and work they started without waiting.
	const inFlight = new Set<Promise<unknown>>();
	const background = <T>(work: Promise<T>): Promise<T> => {
		inFlight.add(work);
		const done = () => inFlight.delete(work);
		work.then(done, done);
		return work;
	};
	let closing: Promise<void> | undefined;

	const redis = options.redis ?? (env.redisUrl ? connectRedis({ url: env.redisUrl, log }) : undefined);
	const live = options.live ?? createLiveHub({ redis, log });
	const limiter = (name: string, limits: { maxFailures: number; windowMs: number }) =>
		createFailureLimiter({ name, ...limits, clock, redis: redis?.command });
	const media =
		options.media ??
		createMediaJobs({
			env,
			store,
			mailer,
			clock,
			log,
			live,
			transcoder: options.transcoder ?? createTranscoder()
		});
	const deps: AppDeps = {
		env,
		store,
		mailer,
		clock,
		log,
		media,
		live,
		redis,
		background,
		limiters: {
			// Shared by every instance when there is Redis (issue #17).
			codeSignIn: limiter('codeSignIn', { maxFailures: 5, windowMs: 15 * MINUTE }),
			emailLink: limiter('emailLink', { maxFailures: 5, windowMs: 60 * MINUTE }),
			kioskEnroll: limiter('kioskEnroll', { maxFailures: 5, windowMs: 15 * MINUTE }),
			kioskCodes: limiter('kioskCodes', { maxFailures: KIOSK_CODE_CEILING, windowMs: 15 * MINUTE })
		}
	};

	const app = new Hono<AppEnv>();
	app.onError(createErrorHandler(log));
	app.notFound(notFound);

	app.use(async (c, next) => {
		if (closing) return c.text('The server is shutting down. Try again in a moment.', 503);
		await background(next());
	});
	app.use(requestId());
	app.use(async (c, next) => {
		c.set('deps', deps);
		await next();
	});
	// Hono's defaults (nosniff, frame and referrer limits) on every answer; the CSP is our own, per page.
	app.use(secureHeaders());
	app.use(compress());
	app.use(cspHeader({ publicUrl: env.publicUrl, staticDir: env.staticDir }));
	const logViolation = cspReports(log);
	app.post(
		CSP_REPORT_PATH,
		bodyLimit({ maxSize: 8 * 1024, onError: (c) => c.body(null, 413) }),
		async (c) => {
			logViolation(await c.req.json().catch(() => null));
			return c.body(null, 204);
		}
	);

	app.use(
		'/api/*',
		declaredBodyLimit({
			maxSize: env.bodyLimitBytes,
			onError: () => {
				throw new AppError(
					'body_too_large',
					`The request is larger than the ${Math.round(env.bodyLimitBytes / 1024)} KiB we accept. Shorten your answers and send again.`
				);
			}
		}),
		csrfGuard({ publicUrl: env.publicUrl }),
		async (c, next) => {
			await next();
			// API answers are per person and per moment; the service worker and proxies must not keep them.
			// Set on the answer's headers, not through c.header(), which copies the whole answer once it
			// is built; and Vary here, so compress() doesn't do the same to add it (issue #17, CPU).
			const headers = c.res.headers;
			if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store');
			if (!headers.has('Vary')) headers.set('Vary', 'Accept-Encoding');
		}
	);

	app.route('/api/health', healthRoutes(deps));
	app.route('/api/communities', communityRoutes(deps));
	app.route('/api/invites', inviteRoutes(deps));
	app.route('/api/mutations', mutationRoutes(deps));
	app.route('/api/auth', authRoutes(deps));
	app.route('/api/me', meRoutes(deps));
	app.route('/api/session', sessionRoutes());
	app.route('/api/kiosks', kioskAdminRoutes(deps));
	let sealer: Promise<Sealer> | undefined;
	// KIOSK_SEALING_KEY, or the first kiosk request makes the key (seconds) and writes it to DATA_DIR;
	// close() waits for that.
	const sealerOnce = () => (sealer ??= background(loadSealer(env)));
	app.route('/api/kiosk/visitor-grant', kioskVisitorRoutes(deps, sealerOnce));
	app.route('/api/kiosk', kioskDeviceRoutes(deps, sealerOnce));
	app.route('/api/questions', questionRoutes(deps));
	app.route('/api/conversations', roomRoutes(deps));
	app.route('/api/time', timeRoutes(deps));
	app.route('/api/events', eventRoutes(deps, live));
	// Issue #3: matching, the partner's profile and scheduling.
	app.route('/api/conversations', conversationRoutes(deps));
	app.route('/api/participation', participationRoutes(deps));
	app.route('/api/coordinator', coordinatorProgramRoutes(deps));
	app.route('/api/coordinator', coordinatorMatchingRoutes(deps));
	app.route('/api/partner', partnerRoutes(deps));
	app.route('/api/conversations', afterRoutes(deps));
	app.route('/api/conversations', archiveRoutes(deps));
	app.route('/api/reflections', reflectionRoutes(deps));
	const tus = createTusServer(deps);
	app.route('/uploads', uploadRoutes(deps, tus));
	app.route(KIOSK_CHUNKS_PATH, kioskChunkRoutes(deps));
	if (env.devMailbox) {
		app.route('/api/dev', devMailboxApiRoutes(deps));
		app.route('/dev', devMailboxPageRoutes(deps));
	}

	app.use(spa({ staticDir: env.staticDir }));

	/**
	 * Stops the app and everything it was given, in order: new requests are answered 503, the ones
	 * being answered and the work they started finish, then the media jobs, the mailer and the
	 * store close. Once it resolves nothing writes to DATA_DIR, so it can be removed. Idempotent.
	 */
	function close(): Promise<void> {
		closing ??= (async () => {
			while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
			await media.close();
			await mailer.close();
			await store.close();
			await redis?.close();
		})();
		return closing;
	}
	return Object.assign(app, { close });
}

export type App = ReturnType<typeof createApp>;
