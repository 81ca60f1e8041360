import type { Clock } from '../clock.ts';
import type { Store } from '../store/types.ts';

/**
 * Where shared documents live between server runs (Hocuspocus' load/store hooks, split so the log
 * is append-only). The SQLite store is one implementation; a PostgreSQL one plugs in the same way.
 */
export interface DocPersistence {
	load(docName: string): Promise<{ updates: Uint8Array[]; lastId: number }>;
	/** Resolves with the log row id once the update is committed to disk, never before. */
	append(docName: string, update: Uint8Array): Promise<number>;
	/** Replaces log rows up to `throughId` by `state`, which must contain all of them. */
	compact(docName: string, state: Uint8Array, throughId: number): Promise<void>;
}

type Pending = {
	docName: string;
	update: Uint8Array;
	resolve: (id: number) => void;
	reject: (e: unknown) => void;
};

/**
 * Appends that arrive in the same event-loop turn go to the store as one multi-row insert, which
 * the store's group commit then fsyncs together with whatever else is committing: one disk flush
 * for many edits, and still no acknowledgement before the flush.
 */
export function storePersistence({ store, clock }: { store: Store; clock: Clock }): DocPersistence {
	let pending: Pending[] = [];
	let scheduled = false;

	const flush = async () => {
		scheduled = false;
		const batch = pending;
		pending = [];
		try {
			const ids = await store.transaction((repos) => repos.yjsDocs.append(batch, clock()));
			batch.forEach((p, i) => p.resolve(ids[i]!));
		} catch (error) {
			for (const p of batch) p.reject(error);
		}
	};

	return {
		async load(docName) {
			const { snapshot, throughId, updates } = await store.yjsDocs.load(docName);
			return {
				updates: [...(snapshot ? [snapshot] : []), ...updates.map((u) => u.update)],
				lastId: updates.at(-1)?.id ?? throughId
			};
		},
		append(docName, update) {
			return new Promise((resolve, reject) => {
				pending.push({ docName, update, resolve, reject });
				if (!scheduled) {
					scheduled = true;
					setImmediate(() => void flush());
				}
			});
		},
		compact(docName, state, throughId) {
			return store.transaction((repos) => repos.yjsDocs.compact({ docName, state, throughId, now: clock() }));
		}
	};
}

/** Keeps nothing: for benchmarks that compare the in-memory reference servers like for like. */
export function memoryPersistence(): DocPersistence {
	let id = 0;
	return {
		load: async () => ({ updates: [], lastId: 0 }),
		append: async () => ++id,
		compact: async () => {}
	};
}
