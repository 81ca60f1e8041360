import { randomUUID } from 'node:crypto';
import type { IClient } from 'peer';
import * as v from 'valibot';
import type { RawData, WebSocket } from 'ws';
import { parseRoomPeerId } from '../../../src/lib/core/room-peer-id.ts';
import type { Logger } from '../log.ts';
import { isReachable, type RedisConnections } from '../redis/client.ts';

/**
 * PeerJS signaling across instances (issue #17). `peer` keeps its realm in memory and has no cluster
 * mode (peers/peerjs-server #281), so a message addressed to a peer that is not connected here goes
 * through Redis to the instance where it is: a presence key `peer:<id>` names that instance, and each
 * instance listens on its own channel. There it is written into the peer's socket as `peer` writes
 * it. The room check (confineToRoom) runs on the sender's socket before this relay sees a message,
 * and again on arrival, so a message to a peer outside the sender's room is refused on either side.
 */
export interface SignalingRelay {
	/** `peer` registered (or re-attached) this client's socket here. */
	arrived(client: IClient): void;
	/** `peer` let this client go (its socket closed, or it stopped answering). */
	left(client: IClient): void;
	/** Sends this socket's messages for peers on other instances through Redis; the rest to `peer`. */
	intercept(ws: WebSocket, src: string): void;
	/** Resolves once this instance listens on its channel. */
	ready: Promise<void>;
	/** This instance's peers leave the registry, and it stops listening. Idempotent. */
	close(): Promise<void>;
}

/** The messages one peer addresses to another (`peer`'s transmission handler); HEARTBEAT has no dst. */
const RELAYED_TYPES = ['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE', 'EXPIRE'] as const;
const Outgoing = v.object({
	type: v.picklist(RELAYED_TYPES),
	dst: v.pipe(v.string(), v.minLength(1)),
	payload: v.optional(v.unknown())
});
const Relayed = v.strictObject({
	type: v.picklist(RELAYED_TYPES),
	src: v.string(),
	dst: v.string(),
	payload: v.optional(v.unknown())
});
type Relayed = v.InferOutput<typeof Relayed>;

export const presenceKey = (peerId: string) => `peer:${peerId}`;
const channelOf = (instance: string) => `signal:${instance}`;

/** Extends a peer's presence only while it still names this instance (it may have moved on). */
const REFRESH_SCRIPT = `
for i, key in ipairs(KEYS) do
	local holder = redis.call('GET', key)
	if holder == false or holder == ARGV[1] then redis.call('SET', key, ARGV[1], 'PX', ARGV[2]) end
end
return #KEYS
`;
/** Removes a peer's presence only if it names the given instance: a newer socket elsewhere stays. */
const RELEASE_SCRIPT = `
local removed = 0
for i, key in ipairs(KEYS) do
	if redis.call('GET', key) == ARGV[1] then removed = removed + redis.call('DEL', key) end
end
return removed
`;

export function createSignalingRelay({
	redis,
	log,
	presenceTtlMs = 60_000
}: {
	redis: RedisConnections;
	log: Logger;
	/** How long a presence lasts without a refresh: the most a killed instance's peers linger. */
	presenceTtlMs?: number;
}): SignalingRelay {
	const instance = randomUUID();
	const clients = new Map<string, IClient>();
	let closed = false;

	const release = (peerIds: string[], holder: string = instance) =>
		peerIds.length === 0
			? Promise.resolve()
			: redis.command
					.eval(RELEASE_SCRIPT, peerIds.length, ...peerIds.map(presenceKey), holder)
					.then(() => {});

	/** Puts a message into the socket of a peer connected here, as `peer` does. False if it isn't here. */
	const deliverHere = (message: Relayed): boolean => {
		const client = clients.get(message.dst);
		if (!client?.getSocket()) return false;
		client.send(message);
		return true;
	};

	/** Here, or through the instance the registry names. False when the peer is connected nowhere. */
	const forward = async (message: Relayed): Promise<boolean> => {
		if (deliverHere(message)) return true;
		// Without Redis for now, `peer` keeps it here as it would without REDIS_URL.
		if (!isReachable(redis.command)) return false;
		const holder = await redis.command.get(presenceKey(message.dst));
		if (!holder || holder === instance) return false;
		const heard = await redis.command.publish(channelOf(holder), JSON.stringify(message));
		if (heard > 0) return true;
		// Nobody listens there: that instance is gone (killed). Its peers leave the registry now.
		await release([message.dst], holder);
		return false;
	};

	const arriving = (data: Buffer) => {
		const parsed = v.safeParse(Relayed, parseJson(data.toString()));
		if (!parsed.success) {
			log.warn('relayed signaling message unreadable; dropped');
			return;
		}
		const message = parsed.output;
		if (!sameRoom(message.src, message.dst)) {
			log.warn('relayed signaling message outside its room dropped', { dst: message.dst });
			return;
		}
		if (deliverHere(message) || message.type === 'LEAVE' || message.type === 'EXPIRE') return;
		// It left between the lookup and now. `peer` would tell the sender the peer is unavailable
		// (EXPIRE, once its queue timed out); so do we, at once.
		forward({ type: 'EXPIRE', src: message.dst, dst: message.src }).catch((error: unknown) =>
			log.warn('signaling EXPIRE not relayed back', { error })
		);
	};
	const ready = redis.subscribe(channelOf(instance), arriving).then(() => undefined);
	ready.catch((error: unknown) => log.error('signaling relay: listening on redis failed', { error }));

	const refresh = setInterval(() => {
		const ids = [...clients.keys()];
		if (ids.length === 0) return;
		redis.command
			.eval(REFRESH_SCRIPT, ids.length, ...ids.map(presenceKey), instance, presenceTtlMs)
			.catch((error: unknown) => log.warn('signaling presence not refreshed', { error }));
	}, presenceTtlMs / 3);
	refresh.unref();

	let closing: Promise<void> | undefined;
	return {
		arrived(client) {
			clients.set(client.getId(), client);
			if (closed) return;
			// The newest socket wins: a peer that reconnected here after its instance died takes over.
			redis.command
				.set(presenceKey(client.getId()), instance, 'PX', presenceTtlMs)
				.catch((error: unknown) => log.warn('signaling presence not registered', { error }));
		},
		left(client) {
			if (clients.get(client.getId()) !== client) return;
			clients.delete(client.getId());
			if (closed) return;
			release([client.getId()]).catch((error: unknown) =>
				log.warn('signaling presence not released', { error })
			);
		},
		intercept(ws, src) {
			const emit = ws.emit.bind(ws);
			// One socket's messages stay in order (an OFFER before its CANDIDATEs), wherever they go.
			let queue = Promise.resolve();
			ws.emit = ((event: string | symbol, ...args: unknown[]) => {
				const outgoing = event === 'message' ? readOutgoing(args[0] as RawData) : undefined;
				if (!outgoing) return emit(event, ...args);
				const toPeer = () => void emit(event, ...args);
				queue = queue
					.then(async () => {
						if (clients.has(outgoing.dst) || closed) return toPeer();
						try {
							// `peer` keeps what it cannot place for a while, then answers EXPIRE: as today.
							if (!(await forward({ ...outgoing, src }))) toPeer();
						} catch (error) {
							log.warn('signaling message not relayed; handled here', { error });
							toPeer();
						}
					})
					.catch((error: unknown) => log.error('signaling message lost', { error }));
				return true;
			}) as typeof ws.emit;
		},
		ready,
		close() {
			closing ??= (async () => {
				closed = true;
				clearInterval(refresh);
				await release([...clients.keys()]).catch((error: unknown) =>
					log.warn('signaling presence not released at close', { error })
				);
			})();
			return closing;
		}
	};
}

function readOutgoing(data: RawData): v.InferOutput<typeof Outgoing> | undefined {
	const parsed = v.safeParse(Outgoing, parseJson(data.toString()));
	return parsed.success ? parsed.output : undefined;
}

function sameRoom(src: string, dst: string): boolean {
	const from = parseRoomPeerId(src);
	return from !== undefined && parseRoomPeerId(dst)?.conversationId === from.conversationId;
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}
