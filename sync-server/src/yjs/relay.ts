import { randomUUID } from 'node:crypto';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Logger } from '../log.ts';
import type { RedisConnections } from '../redis/client.ts';

/** What a room hears from the other instances holding the same document. */
export interface RelayListener {
	/** An update another instance stored as log row `id`. */
	update(id: number, update: Uint8Array): void;
	/** A presence change made on another instance (never stored). */
	awareness(update: Uint8Array): void;
	/** A message was missed (pub/sub is at most once): the room catches up from the store. */
	missed(): void;
}

/**
 * Shared documents across instances (issue #17): the pattern of Hocuspocus' extension-redis, kept
 * small. Each instance holding a document listens on its channel; an update is published only
 * once it is durable, with its log row id; awareness is published as it changes. Redis is only the
 * fast path: a gap in a sender's numbering, and a periodic look at the store by every open room,
 * find what pub/sub dropped.
 */
export interface DocRelay {
	readonly instanceId: string;
	/** Listens for a document's messages from other instances; resolves once Redis confirmed it. */
	join(docName: string, listener: RelayListener): Promise<() => Promise<void>>;
	/** Publishes a stored update (call only after it is durable). */
	publishUpdate(docName: string, id: number, update: Uint8Array): void;
	publishAwareness(docName: string, update: Uint8Array): void;
	/** Called when the connection to Redis came back: whatever was published meanwhile is lost. */
	onReconnect(listener: () => void): void;
}

const UPDATE = 0;
const AWARENESS = 1;

export const docChannel = (docName: string) => `cg:yjs:${docName}`;

type Message =
	| { kind: typeof UPDATE; from: string; seq: number; id: number; payload: Uint8Array }
	| { kind: typeof AWARENESS; from: string; payload: Uint8Array };

/** The wire format: kind, sender, then for an update the sender's number for this document and the row id. */
export function encodeRelayMessage(message: Message): Uint8Array {
	return encoding.encode((e) => {
		encoding.writeVarUint(e, message.kind);
		encoding.writeVarString(e, message.from);
		if (message.kind === UPDATE) {
			encoding.writeVarUint(e, message.seq);
			encoding.writeVarUint(e, message.id);
		}
		encoding.writeVarUint8Array(e, message.payload);
	});
}

export function decodeRelayMessage(data: Uint8Array): Message {
	const d = decoding.createDecoder(data);
	const kind = decoding.readVarUint(d);
	const from = decoding.readVarString(d);
	if (kind === UPDATE) {
		const seq = decoding.readVarUint(d);
		const id = decoding.readVarUint(d);
		return { kind, from, seq, id, payload: decoding.readVarUint8Array(d) };
	}
	if (kind === AWARENESS) return { kind, from, payload: decoding.readVarUint8Array(d) };
	throw new Error(`unknown relay message kind ${kind}`);
}

export function redisDocRelay({
	redis,
	log,
	instanceId = randomUUID()
}: {
	redis: RedisConnections;
	log: Logger;
	instanceId?: string;
}): DocRelay {
	/** Per document: how many updates this instance published, so a listener can tell one is missing. */
	const published = new Map<string, number>();
	const joined = new Map<string, number>();
	const reconnectListeners = new Set<() => void>();

	// A reconnect of the command connection means Redis (or the way to it) was gone: the subscriber
	// connection was cut too, and ioredis resubscribes by itself; messages of that time are lost.
	let connectedOnce = redis.command.status === 'ready';
	redis.command.on('ready', () => {
		if (!connectedOnce) {
			connectedOnce = true;
			return;
		}
		log.info('redis is back: open documents catch up from the store');
		for (const listener of reconnectListeners) listener();
	});

	const publish = (docName: string, message: Message) => {
		redis.command
			.publish(docChannel(docName), Buffer.from(encodeRelayMessage(message)))
			.catch((error: unknown) =>
				// The store has it: other instances find it when they next catch up.
				log.warn('yjs relay publish failed', { doc: docName, problem: String(error) })
			);
	};

	return {
		instanceId,
		async join(docName, listener) {
			/** The last number heard from each other instance on this document. */
			const heard = new Map<string, number>();
			const leave = await redis.subscribe(docChannel(docName), (data) => {
				let message: Message;
				try {
					message = decodeRelayMessage(data);
				} catch (error) {
					log.warn('yjs relay message unreadable', { doc: docName, error });
					return;
				}
				if (message.from === instanceId) return;
				if (message.kind === AWARENESS) return listener.awareness(message.payload);
				const last = heard.get(message.from);
				heard.set(message.from, message.seq);
				listener.update(message.id, message.payload);
				// The first message from an instance has no predecessor to compare with; the periodic
				// catch-up covers what came before it.
				if (last !== undefined && message.seq !== last + 1) listener.missed();
			});
			joined.set(docName, (joined.get(docName) ?? 0) + 1);
			return async () => {
				const left = (joined.get(docName) ?? 1) - 1;
				if (left > 0) joined.set(docName, left);
				else {
					joined.delete(docName);
					published.delete(docName);
				}
				await leave();
			};
		},
		publishUpdate(docName, id, update) {
			const seq = (published.get(docName) ?? 0) + 1;
			published.set(docName, seq);
			publish(docName, { kind: UPDATE, from: instanceId, seq, id, payload: update });
		},
		publishAwareness(docName, update) {
			publish(docName, { kind: AWARENESS, from: instanceId, payload: update });
		},
		onReconnect(listener) {
			reconnectListeners.add(listener);
		}
	};
}
