import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { Logger } from '../log.ts';
import type { YjsLimits } from './limits.ts';
import type { DocPersistence } from './persistence.ts';
import type { DocRelay } from './relay.ts';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_QUERY_AWARENESS = 3;

/** What a room needs from a connection; the socket details stay in connection.ts. */
export interface RoomPeer {
	send(message: Uint8Array): void;
	/** Resolves when every update this peer sent so far is on disk. */
	durable: Promise<void>;
	/** Awareness client ids this peer controls, removed when it leaves. */
	awarenessIds: Set<number>;
}

const LOADING = Symbol('loading');
/** From another instance or caught up from the store: shown to this room's peers, never stored again. */
const RELAYED = Symbol('relayed');

/**
 * One loaded document with its awareness and peers (the Hocuspocus "Document", kept small).
 * Updates are broadcast at once and appended to the log; a peer's sync-step-1 is answered only once
 * its own updates are durable, which is how "the server writes before it acknowledges" holds in
 * the y-websocket protocol. The log is compacted under a lock, after `compactEvery` updates and
 * when the last peer leaves.
 *
 * With a relay (REDIS_URL, issue #17) the room also shows what other instances store: each stored
 * update is published once durable, and the room catches up from the store (the truth; Redis is
 * only the fast path) when a relayed message reveals a gap, when the registry's look at the store
 * every `catchUpMs` finds rows it hasn't applied, and when Redis comes back.
 */
export class Room {
	readonly doc = new Y.Doc();
	readonly awareness = new awarenessProtocol.Awareness(this.doc);
	readonly peers = new Set<RoomPeer>();
	/** Upper bound of the encoded size: the last exact size plus every update since. */
	sizeEstimate = 0;
	#lastId = 0;
	#sinceCompaction = 0;
	#inflight = new Set<Promise<unknown>>();
	#lock: Promise<void> = Promise.resolve();
	#failed = false;
	#destroyed = false;
	#catchingUp: Promise<void> | undefined;
	#catchUpAgain = false;
	/** The snapshot's through_id when this room last read the store, and the log rows applied above it. */
	#throughId = 0;
	#logIds = new Set<number>();
	#leaveChannel: (() => Promise<void>) | undefined;

	constructor(
		readonly name: string,
		private readonly deps: {
			persistence: DocPersistence;
			limits: YjsLimits;
			log: Logger;
			/** Other instances holding documents (unset: this process is the only one). */
			relay?: DocRelay;
			/** Called when storing failed: the registry drops the room so nothing unstored is served. */
			onFailure: (room: Room) => void;
		}
	) {
		// The server has no presence of its own.
		this.awareness.setLocalState(null);
		this.doc.on('update', this.#onUpdate);
		this.awareness.on('update', this.#onAwareness);
	}

	static async load(name: string, deps: ConstructorParameters<typeof Room>[1]): Promise<Room> {
		const room = new Room(name, deps);
		try {
			// Listening before reading the store: an update stored meanwhile is heard, or read, or both.
			if (deps.relay) {
				room.#leaveChannel = await deps.relay.join(name, {
					update: (id, update) => room.#receive(id, update),
					awareness: (update) => awarenessProtocol.applyAwarenessUpdate(room.awareness, update, RELAYED),
					missed: () => void room.catchUp()
				});
			}
			const loaded = await deps.persistence.load(name);
			const { updates } = loaded;
			room.doc.transact(() => {
				for (const update of updates) Y.applyUpdate(room.doc, update, LOADING);
			}, LOADING);
			room.#read(loaded);
			room.#sinceCompaction = updates.length > 1 ? updates.length : 0;
			room.sizeEstimate = updates.reduce((n, u) => n + u.byteLength, 0);
		} catch (error) {
			room.destroy();
			throw error;
		}
		return room;
	}

	/** Notes what a read of the store held: everything in it is applied now. */
	#read({ lastId, rowIds, throughId }: { lastId: number; rowIds: number[]; throughId: number }) {
		this.#lastId = Math.max(this.#lastId, lastId);
		this.#throughId = throughId;
		for (const id of rowIds) this.#logIds.add(id);
		for (const id of this.#logIds) if (id <= throughId) this.#logIds.delete(id);
	}

	/**
	 * Whether the store holds log rows this room hasn't applied, from its row count and snapshot
	 * (`head`, undefined when it has neither): every row above the through_id it read that this room
	 * applied is still there, so a count above what it applied means a row it missed. A new
	 * snapshot (a compaction anywhere) counts as behind too.
	 */
	isBehind(head: { rows: number; throughId: number } | undefined): boolean {
		return (head?.throughId ?? 0) !== this.#throughId || (head?.rows ?? 0) !== this.#logIds.size;
	}

	/** An update another instance stored. */
	#receive(id: number, update: Uint8Array) {
		if (this.#destroyed) return;
		this.#lastId = Math.max(this.#lastId, id);
		if (id > this.#throughId) this.#logIds.add(id);
		Y.applyUpdate(this.doc, update, RELAYED);
		// Yjs parks an update whose predecessors it lacks: one of them was missed.
		if (this.doc.store.pendingStructs || this.doc.store.pendingDs) void this.catchUp();
	}

	/**
	 * Applies everything the store holds for this document (what is known already changes nothing),
	 * so updates other instances stored but pub/sub did not deliver reach this room's peers. One run
	 * at a time; a request during a run makes one more run after it.
	 */
	catchUp(): Promise<void> {
		if (this.#catchingUp) {
			this.#catchUpAgain = true;
			return this.#catchingUp;
		}
		const run = async () => {
			do {
				this.#catchUpAgain = false;
				const loaded = await this.deps.persistence.load(this.name);
				if (this.#destroyed) return;
				this.doc.transact(() => {
					for (const update of loaded.updates) Y.applyUpdate(this.doc, update, RELAYED);
				}, RELAYED);
				this.#read(loaded);
			} while (this.#catchUpAgain);
		};
		this.#catchingUp = run()
			.catch((error: unknown) =>
				// The next catch-up tries again; nothing stored is lost meanwhile, only late.
				this.deps.log.warn('yjs catch-up from the store failed', { doc: this.name, error })
			)
			.finally(() => (this.#catchingUp = undefined));
		return this.#catchingUp;
	}

	#onUpdate = (update: Uint8Array, origin: unknown) => {
		if (origin === LOADING) return;
		this.sizeEstimate += update.byteLength;
		const message = encoding.encode((e) => {
			encoding.writeVarUint(e, MESSAGE_SYNC);
			syncProtocol.writeUpdate(e, update);
		});
		for (const peer of this.peers) if (peer !== origin) peer.send(message);
		// Another instance stored it already.
		if (origin === RELAYED) return;

		const stored = this.deps.persistence.append(this.name, update).then((id) => {
			this.#lastId = Math.max(this.#lastId, id);
			if (id > this.#throughId) this.#logIds.add(id);
			this.#sinceCompaction += 1;
			// Only now, durable, may other instances show it.
			this.deps.relay?.publishUpdate(this.name, id, update);
			if (this.#sinceCompaction >= this.deps.limits.compactEvery) void this.compact();
		});
		this.#inflight.add(stored);
		const settled = stored.then(
			() => void this.#inflight.delete(stored),
			(error: unknown) => {
				this.#inflight.delete(stored);
				this.#fail(error);
				throw error;
			}
		);
		if (origin && typeof origin === 'object' && this.peers.has(origin as RoomPeer)) {
			const peer = origin as RoomPeer;
			// Chained, so a later write never "acknowledges" an earlier one that failed.
			const durable = Promise.all([peer.durable, settled]).then(() => undefined);
			durable.catch(() => {});
			peer.durable = durable;
		}
		settled.catch(() => {});
	};

	#onAwareness = (
		{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
		origin: unknown
	) => {
		const changed = [...added, ...updated, ...removed];
		const peer = origin as RoomPeer | null;
		if (peer && this.peers.has(peer)) {
			for (const id of added) peer.awarenessIds.add(id);
			for (const id of removed) peer.awarenessIds.delete(id);
		}
		const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
		const message = encoding.encode((e) => {
			encoding.writeVarUint(e, MESSAGE_AWARENESS);
			encoding.writeVarUint8Array(e, update);
		});
		for (const p of this.peers) p.send(message);
		// This room's peers' presence, and its removal when they leave; every instance times out
		// stale states by itself, so a timeout is not published.
		if (this.deps.relay && origin !== RELAYED && origin !== 'timeout' && !this.#destroyed) {
			this.deps.relay.publishAwareness(this.name, update);
		}
	};

	join(peer: RoomPeer) {
		this.peers.add(peer);
	}

	/** Removes the peer and its presence; compacts when it was the last one. */
	leave(peer: RoomPeer) {
		if (!this.peers.delete(peer)) return;
		if (peer.awarenessIds.size > 0) {
			awarenessProtocol.removeAwarenessStates(this.awareness, [...peer.awarenessIds], null);
		}
		if (this.peers.size === 0) void this.compact();
	}

	/** The document's exact encoded size (costly: used only when the estimate says it may be too big). */
	exactSize(): number {
		this.sizeEstimate = Y.encodeStateAsUpdate(this.doc).byteLength;
		return this.sizeEstimate;
	}

	/**
	 * Merges the whole state into the snapshot and drops the log rows up to the last id seen. The
	 * store merges those rows into the snapshot as it deletes them, so a row another instance wrote
	 * and this one never applied is kept in the snapshot, not lost.
	 */
	compact(): Promise<void> {
		const run = async () => {
			if (this.#failed) return;
			await Promise.allSettled([...this.#inflight]);
			if (this.#sinceCompaction === 0 || this.#failed) return;
			const throughId = this.#lastId;
			const counted = this.#sinceCompaction;
			// Contains every logged update up to throughId: each was applied before it was appended.
			const state = Y.encodeStateAsUpdate(this.doc);
			await this.deps.persistence.compact(this.name, state, throughId);
			this.#sinceCompaction -= counted;
			this.sizeEstimate = state.byteLength;
		};
		const next = this.#lock.then(run);
		this.#lock = next.catch((error: unknown) => {
			// A failed compaction loses nothing: the log rows are still there.
			this.deps.log.error('yjs compaction failed', { doc: this.name, error });
		});
		return this.#lock;
	}

	/** Waits for pending writes and compactions (used before unloading and at shutdown). */
	async settle(): Promise<void> {
		await Promise.allSettled([...this.#inflight]);
		await this.#lock;
	}

	#fail(error: unknown) {
		if (this.#failed) return;
		this.#failed = true;
		this.deps.log.error('yjs update could not be stored; dropping the document from memory', {
			doc: this.name,
			error
		});
		this.deps.onFailure(this);
	}

	destroy() {
		this.#destroyed = true;
		this.#leaveChannel?.().catch((error: unknown) =>
			this.deps.log.warn('yjs relay unsubscribe failed', { doc: this.name, error })
		);
		this.awareness.destroy();
		this.doc.destroy();
	}
}
