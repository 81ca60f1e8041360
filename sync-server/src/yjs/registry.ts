import type { Logger } from '../log.ts';
import type { YjsLimits } from './limits.ts';
import type { DocPersistence } from './persistence.ts';
import type { DocRelay } from './relay.ts';
import { Room } from './room.ts';

/**
 * Loaded documents by name. Each is loaded once however many peers arrive together, and unloaded
 * `idleUnloadMs` after its last peer left (after its final compaction), so memory holds only the
 * documents in use.
 */
export function createDocRegistry({
	persistence,
	limits,
	log,
	relay,
	onFailure
}: {
	persistence: DocPersistence;
	limits: YjsLimits;
	log: Logger;
	/** Other instances (issue #17); unset: this process is the only one. */
	relay?: DocRelay;
	/** Closes the failed room's sockets so their clients reconnect and resend what was not stored. */
	onFailure: (room: Room) => void;
}) {
	const rooms = new Map<string, Promise<Room>>();
	const idleTimers = new Map<string, ReturnType<typeof setTimeout>>();
	/** Peers still being authorized or upgraded: a room they hold is not idle yet. */
	const holds = new Map<string, number>();

	const drop = (room: Room) => {
		clearTimeout(idleTimers.get(room.name));
		idleTimers.delete(room.name);
		rooms.delete(room.name);
		room.destroy();
	};

	const deps = {
		persistence,
		limits,
		log,
		relay,
		onFailure: (room: Room) => {
			onFailure(room);
			drop(room);
		}
	};
	const loadedRooms = async () =>
		(await Promise.allSettled([...rooms.values()])).flatMap((r) =>
			r.status === 'fulfilled' ? [r.value] : []
		);
	// Whatever was published while Redis was away was lost: every open document looks at the store.
	relay?.onReconnect(() => {
		void loadedRooms().then((loaded) => loaded.forEach((room) => void room.catchUp()));
	});
	// A missed last message has no successor to reveal it: every catchUpMs, one look at the store's
	// row counts for all open documents, and a catch-up for those with rows they haven't applied.
	let looking = false;
	const look = async () => {
		if (looking) return;
		looking = true;
		try {
			const loaded = await loadedRooms();
			if (loaded.length === 0) return;
			const heads = await persistence.heads(loaded.map((room) => room.name));
			for (const room of loaded) if (room.isBehind(heads.get(room.name))) void room.catchUp();
		} catch (error) {
			// The next look tries again; nothing stored is lost meanwhile, only late.
			log.warn('yjs look at the store failed', { error });
		} finally {
			looking = false;
		}
	};
	const looks = relay ? setInterval(() => void look(), limits.catchUpMs) : undefined;
	looks?.unref();

	async function unloadIfIdle(name: string) {
		const room = await rooms.get(name);
		if (!room || room.peers.size > 0 || (holds.get(name) ?? 0) > 0) return;
		await room.settle();
		if (room.peers.size > 0 || (holds.get(name) ?? 0) > 0 || (await rooms.get(name)) !== room) return;
		drop(room);
	}

	return {
		/** Loads (or returns) the room and holds it until `release`. */
		async acquire(name: string): Promise<Room> {
			holds.set(name, (holds.get(name) ?? 0) + 1);
			clearTimeout(idleTimers.get(name));
			idleTimers.delete(name);
			let loading = rooms.get(name);
			if (!loading) {
				loading = Room.load(name, deps);
				rooms.set(name, loading);
				loading.catch(() => rooms.delete(name));
			}
			try {
				return await loading;
			} catch (error) {
				this.release(name);
				throw error;
			}
		},
		/** Ends a hold; once no peer and no hold is left, the room unloads after the idle delay. */
		release(name: string) {
			const left = (holds.get(name) ?? 1) - 1;
			if (left > 0) holds.set(name, left);
			else holds.delete(name);
		},
		/** Called when a peer leaves. */
		scheduleUnload(name: string) {
			clearTimeout(idleTimers.get(name));
			const timer = setTimeout(() => {
				idleTimers.delete(name);
				unloadIfIdle(name).catch((error: unknown) => log.error('yjs unload failed', { doc: name, error }));
			}, limits.idleUnloadMs);
			timer.unref();
			idleTimers.set(name, timer);
		},
		get loadedCount() {
			return rooms.size;
		},
		/** For tests and shutdown: the loaded room, if any, without loading it. */
		async peek(name: string): Promise<Room | undefined> {
			return rooms.get(name);
		},
		/** Waits for every write and compaction, then unloads everything. */
		async close() {
			clearInterval(looks);
			for (const timer of idleTimers.values()) clearTimeout(timer);
			idleTimers.clear();
			const loaded = await Promise.allSettled([...rooms.values()]);
			for (const result of loaded) {
				if (result.status !== 'fulfilled') continue;
				await result.value.compact();
				await result.value.settle();
				result.value.destroy();
			}
			rooms.clear();
		}
	};
}

export type DocRegistry = ReturnType<typeof createDocRegistry>;
