import { Redis } from 'ioredis';
import type { Logger } from '../log.ts';

type Handler = (message: Buffer) => void;

/**
 * The Redis connections of one instance (issue #17, REDIS_URL): one for commands and one for
 * subscriptions, since a connection in subscriber mode can run no other command. Every module that
 * shares live state across instances uses these two, so an instance holds two connections in all.
 */
export interface RedisConnections {
	/** Commands: GET, SET, EVAL, PUBLISH… */
	command: Redis;
	/**
	 * Listens on `channel` (messages as bytes: Yjs updates are binary). Several listeners may share a
	 * channel. Resolves once Redis confirmed the subscription, with how to stop listening.
	 * Pub/sub is at most once: a message sent while this instance was disconnected is not delivered.
	 */
	subscribe(channel: string, handler: Handler): Promise<() => Promise<void>>;
	/** The server, without its password, for log lines and messages. */
	where: string;
	/** Resolves once both connections answer, or rejects with a message that says what to check. */
	ready(timeoutMs?: number): Promise<void>;
	/** Closes both connections (QUIT when connected). Idempotent. */
	close(): Promise<void>;
}

/**
 * False while a connection is lost and being retried, or closed. ioredis would hold a command until
 * it is back (some 10 s of retries): a caller that must answer now asks this first. A connection
 * still making its first connect is reachable: its commands wait for it, as at start.
 */
export function isReachable(connection: Redis): boolean {
	return !['reconnecting', 'close', 'end'].includes(connection.status);
}

/** `redis://user:secret@host:6379/0` → `redis://user:***@host:6379/0`: a password never reaches a log. */
export function redactRedisUrl(url: string): string {
	try {
		const parsed = new URL(url);
		if (parsed.password) parsed.password = '***';
		return parsed.toString();
	} catch {
		return 'redis://(unreadable URL)';
	}
}

export function connectRedis({ url, log }: { url: string; log: Logger }): RedisConnections {
	const where = redactRedisUrl(url);
	let closing: Promise<void> | undefined;
	const open = (role: 'command' | 'subscriber') => {
		const connection = new Redis(url, { connectionName: `common-ground-${role}` });
		let wasReady = false;
		connection.on('ready', () => {
			wasReady = true;
			log.info('redis connected', { redis: where, role });
		});
		connection.on('close', () => {
			if (!wasReady) return;
			wasReady = false;
			if (closing) log.info('redis connection closed', { redis: where, role });
			else log.warn('redis disconnected; reconnecting', { redis: where, role });
		});
		// ioredis retries by itself; without a listener an error event would crash the process.
		connection.on('error', (error: Error) =>
			log.warn('redis connection problem', { redis: where, role, problem: error.message })
		);
		return connection;
	};
	const command = open('command');
	const subscriber = open('subscriber');

	// Per channel: its listeners, and the SUBSCRIBE that a second listener must wait for too.
	const channels = new Map<string, { handlers: Set<Handler>; subscribed: Promise<unknown> }>();
	subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
		const name = channel.toString();
		for (const handler of channels.get(name)?.handlers ?? []) {
			try {
				handler(message);
			} catch (error) {
				log.error('redis message handler failed', { channel: name, error });
			}
		}
	});

	return {
		command,
		where,
		async subscribe(channel, handler) {
			let entry = channels.get(channel);
			if (!entry) {
				entry = { handlers: new Set(), subscribed: subscriber.subscribe(channel) };
				channels.set(channel, entry);
			}
			const mine = entry;
			mine.handlers.add(handler);
			try {
				await mine.subscribed;
			} catch (error) {
				mine.handlers.delete(handler);
				if (mine.handlers.size === 0 && channels.get(channel) === mine) channels.delete(channel);
				throw error;
			}
			return async () => {
				mine.handlers.delete(handler);
				if (mine.handlers.size > 0 || channels.get(channel) !== mine) return;
				channels.delete(channel);
				if (subscriber.status === 'ready') await subscriber.unsubscribe(channel);
			};
		},
		async ready(timeoutMs = 10_000) {
			let timer: NodeJS.Timeout | undefined;
			const timeout = new Promise<never>((_, reject) => {
				timer = setTimeout(
					() =>
						reject(
							new Error(
								`Redis at ${where} did not answer within ${timeoutMs / 1000} s. Check that it runs and that REDIS_URL points at it.`
							)
						),
					timeoutMs
				);
			});
			try {
				await Promise.race([Promise.all([command.ping(), subscriber.ping()]), timeout]);
			} finally {
				clearTimeout(timer);
			}
		},
		close() {
			closing ??= (async () => {
				channels.clear();
				await Promise.all(
					[command, subscriber].map(async (connection) => {
						// A connection still retrying is simply dropped (it has no socket to wait for).
						if (connection.status !== 'ready') return connection.disconnect();
						// QUIT waits for replies in flight; the socket has closed once 'end' comes.
						const ended = new Promise((resolve) => connection.once('end', resolve));
						await connection.quit().catch(() => connection.disconnect());
						await ended;
					})
				);
			})();
			return closing;
		}
	};
}
