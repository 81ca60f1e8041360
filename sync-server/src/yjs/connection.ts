import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { WebSocket } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import { ownPresenceOnly } from './presence.ts';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { CLOSE } from '../../../src/lib/contracts/questions.ts';
import type { Logger } from '../log.ts';
import { tokenBucket, type YjsLimits } from './limits.ts';
import {
	MESSAGE_AWARENESS,
	MESSAGE_QUERY_AWARENESS,
	MESSAGE_SYNC,
	type Room,
	type RoomPeer
} from './room.ts';

const OPEN = 1;

/**
 * One socket in one room: the y-websocket protocol (sync steps 1 and 2, updates, awareness) read
 * with y-protocols, plus the per-connection limits. Read-only peers (coordinators) get everything
 * but their document updates are ignored.
 */
export class Connection implements RoomPeer {
	durable: Promise<void> = Promise.resolve();
	awarenessIds = new Set<number>();
	#replies: Promise<void> = Promise.resolve();
	#bucket;
	/** Set while the socket is over the high-water mark: the server state it was last sent in full. */
	#staleSince: { at: number; stateVector: Uint8Array } | undefined;
	#staleTimer: ReturnType<typeof setInterval> | undefined;
	#alive = true;
	#closed = false;

	constructor(
		private readonly ws: WebSocket,
		private readonly room: Room,
		private readonly options: { readOnly: boolean; limits: YjsLimits; log: Logger; onClose: () => void }
	) {
		this.#bucket = tokenBucket({
			rate: options.limits.messagesPerSecond,
			burst: options.limits.messageBurst
		});
		ws.binaryType = 'nodebuffer';
		ws.on('message', (data: Buffer, isBinary: boolean) => this.#onMessage(data, isBinary));
		ws.on('pong', () => (this.#alive = true));
		ws.on('close', () => this.#cleanup());
		ws.on('error', () => this.#cleanup());
		room.join(this);
		this.#greet();
	}

	/** Sends our state vector (sync step 1) and everyone's presence, as y-websocket servers do. */
	#greet() {
		this.send(
			encoding.encode((e) => {
				encoding.writeVarUint(e, MESSAGE_SYNC);
				syncProtocol.writeSyncStep1(e, this.room.doc);
			})
		);
		const states = [...this.room.awareness.getStates().keys()];
		if (states.length > 0) this.send(this.#awarenessMessage(states));
	}

	#awarenessMessage(clients: number[]) {
		return encoding.encode((e) => {
			encoding.writeVarUint(e, MESSAGE_AWARENESS);
			encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.room.awareness, clients));
		});
	}

	/** Bytes queued in user space for this socket (what backpressure bounds). */
	get bufferedBytes(): number {
		return this.ws.bufferedAmount;
	}

	/** Checks liveness; returns false (and terminates) when the last ping went unanswered. */
	ping(): boolean {
		if (!this.#alive) {
			this.ws.terminate();
			return false;
		}
		this.#alive = false;
		this.ws.ping();
		return true;
	}

	/** `reply`: an answer to this peer's own request, sent even while it is being caught up. */
	send(message: Uint8Array, { reply = false } = {}) {
		if (this.#closed || this.ws.readyState !== OPEN) return;
		if (this.#staleSince && !reply) return;
		this.ws.send(message);
		// Over the mark: this message still went, so the state it was sent in full is the current one.
		if (this.ws.bufferedAmount > this.options.limits.highWaterBytes) this.#becomeStale();
	}

	/**
	 * Backpressure: a slow socket gets nothing more until it drains, then one update with all it
	 * missed (everything since the state it had been sent, plus the delete set), so the server
	 * never buffers an unbounded queue for it.
	 */
	#becomeStale() {
		this.#staleSince = { at: Date.now(), stateVector: Y.encodeStateVector(this.room.doc) };
		this.#staleTimer = setInterval(() => {
			const stale = this.#staleSince;
			if (!stale || this.#closed) return;
			if (this.ws.bufferedAmount <= this.options.limits.highWaterBytes / 4) {
				this.#staleSince = undefined;
				clearInterval(this.#staleTimer);
				this.send(
					encoding.encode((e) => {
						encoding.writeVarUint(e, MESSAGE_SYNC);
						syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(this.room.doc, stale.stateVector));
					})
				);
				this.send(this.#awarenessMessage([...this.room.awareness.getStates().keys()]));
			} else if (Date.now() - stale.at > this.options.limits.maxStaleMs) {
				this.close(CLOSE.tryAgainLater, 'too slow: reconnect to catch up');
			}
		}, 100);
	}

	close(code: number, reason: string) {
		if (this.#closed) return;
		this.ws.close(code, reason);
		// A peer that never answers the close handshake must not hold a shutdown for ws' 30 s.
		setTimeout(() => this.ws.terminate(), 1_000).unref();
		this.#cleanup();
	}

	#onMessage(data: Buffer, isBinary: boolean) {
		if (this.#closed) return;
		if (!isBinary) return this.close(CLOSE.badMessage, 'binary messages only');
		if (data.byteLength > this.options.limits.maxMessageBytes) {
			return this.close(CLOSE.tooLarge, 'message too large');
		}
		if (!this.#bucket.take()) return this.close(CLOSE.rateLimited, 'too many messages: slow down');
		try {
			this.#handle(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
		} catch (error) {
			this.options.log.warn('yjs message rejected', { doc: this.room.name, error });
			this.close(CLOSE.badMessage, 'unreadable message');
		}
	}

	#handle(message: Uint8Array) {
		const decoder = decoding.createDecoder(message);
		const type = decoding.readVarUint(decoder);
		if (type === MESSAGE_SYNC) return this.#handleSync(decoder);
		if (type === MESSAGE_AWARENESS) {
			const update = decoding.readVarUint8Array(decoder);
			if (this.options.readOnly) return;
			const own = ownPresenceOnly(update, (id) => this.#mayTouchPresence(id));
			if (own) awarenessProtocol.applyAwarenessUpdate(this.room.awareness, own, this);
			return;
		}
		if (type === MESSAGE_QUERY_AWARENESS) {
			this.send(this.#awarenessMessage([...this.room.awareness.getStates().keys()]));
			return;
		}
		// 2 is y-websocket's auth message, which only servers send; anything else is not the protocol.
		throw new Error(`unknown message type ${type}`);
	}

	/** A client id this connection introduced, or one nobody holds yet (never the server's own). */
	#mayTouchPresence(clientId: number): boolean {
		if (this.awarenessIds.has(clientId)) return true;
		if (clientId === this.room.awareness.clientID) return false;
		for (const peer of this.room.peers) if (peer !== this && peer.awarenessIds.has(clientId)) return false;
		return !this.room.awareness.getStates().has(clientId);
	}

	#handleSync(decoder: decoding.Decoder) {
		const step = decoding.readVarUint(decoder);
		if (step === syncProtocol.messageYjsSyncStep1) {
			const stateVector = decoding.readVarUint8Array(decoder);
			// Answered once this peer's own updates are on disk: the reply is the acknowledgement.
			this.#replies = this.#replies
				.then(() => this.durable)
				.then(
					() =>
						this.send(
							encoding.encode((e) => {
								encoding.writeVarUint(e, MESSAGE_SYNC);
								syncProtocol.writeSyncStep2(e, this.room.doc, stateVector);
							}),
							{ reply: true }
						),
					() => this.close(CLOSE.restarting, 'could not store an update: reconnect')
				);
			return;
		}
		if (step !== syncProtocol.messageYjsSyncStep2 && step !== syncProtocol.messageYjsUpdate) {
			throw new Error(`unknown sync step ${step}`);
		}
		const update = decoding.readVarUint8Array(decoder);
		if (this.options.readOnly) return;
		const { limits } = this.options;
		if (this.room.sizeEstimate + update.byteLength > limits.maxDocBytes) {
			if (this.room.exactSize() + update.byteLength > limits.maxDocBytes) {
				return this.close(CLOSE.tooLarge, 'the document is full');
			}
		}
		Y.applyUpdate(this.room.doc, update, this);
	}

	#cleanup() {
		if (this.#closed) return;
		this.#closed = true;
		clearInterval(this.#staleTimer);
		this.room.leave(this);
		this.options.onClose();
	}
}
