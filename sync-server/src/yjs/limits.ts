/**
 * Limits of /yjs (issue #4, "Limits"). A question list is a few kilobytes; these leave a wide
 * margin for honest use and stop a broken or hostile client from hurting everyone else.
 */
export interface YjsLimits {
	/** Largest WebSocket message accepted. */
	maxMessageBytes: number;
	/** Largest encoded document; an update that would pass it is refused. */
	maxDocBytes: number;
	/** Token bucket per connection: sustained messages per second, and the burst allowed. */
	messagesPerSecond: number;
	messageBurst: number;
	/** Bytes buffered for a socket before we stop sending to it and catch it up later. */
	highWaterBytes: number;
	/** How long a socket may stay over the high-water mark before it is closed (the client reconnects). */
	maxStaleMs: number;
	/** Compact the update log into a snapshot after this many updates. */
	compactEvery: number;
	/** Unload a document this long after its last client left. */
	idleUnloadMs: number;
	/** Ping interval; a socket that missed one pong is dropped. */
	pingMs: number;
	/**
	 * With several instances (REDIS_URL): how often an open document reads the store for updates
	 * another instance stored and pub/sub did not deliver, the longest such an update stays unseen.
	 */
	catchUpMs: number;
}

export const DEFAULT_YJS_LIMITS: YjsLimits = {
	maxMessageBytes: 256 * 1024,
	maxDocBytes: 2 * 1024 * 1024,
	messagesPerSecond: 50,
	messageBurst: 300,
	highWaterBytes: 1024 * 1024,
	maxStaleMs: 30_000,
	compactEvery: 500,
	idleUnloadMs: 30_000,
	pingMs: 30_000,
	catchUpMs: 5_000
};

/** A token bucket: `take()` is false once the connection sends faster than the sustained rate allows. */
export function tokenBucket({
	rate,
	burst,
	now = Date.now
}: {
	rate: number;
	burst: number;
	now?: () => number;
}) {
	let tokens = burst;
	let last = now();
	return {
		take(): boolean {
			const t = now();
			tokens = Math.min(burst, tokens + ((t - last) / 1000) * rate);
			last = t;
			if (tokens < 1) return false;
			tokens -= 1;
			return true;
		}
	};
}
