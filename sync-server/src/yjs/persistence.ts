import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { SQLITE_FILE } from '../store/sqlite.ts';
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
	close?(): Promise<void>;
}

type Pending = {
	docName: string;
	update: Uint8Array;
	resolve: (id: number) => void;
	reject: (e: unknown) => void;
};

/**
 * The production persistence: reads through the store, writes on a worker thread with its own
 * connection (log-writer.worker.mjs), batched per event-loop turn. Measured with `npm run bench`:
 * with the fsync on the main thread every commit stalled the relay of all rooms for its duration.
 * Acknowledgements still wait for the commit.
 */
export function workerPersistence({
	store,
	dataDir,
	synchronous = 'FULL'
}: {
	store: Store;
	dataDir: string;
	synchronous?: 'FULL' | 'NORMAL';
}): DocPersistence {
	// Started on the first write, so a server (or test) that never edits a document pays nothing.
	let worker: Worker | undefined;
	let nextId = 0;
	const waiting = new Map<
		number,
		{ resolve: (value: { ids?: number[] }) => void; reject: (e: unknown) => void }
	>();
	const start = () => {
		const w = new Worker(new URL('./log-writer.worker.mjs', import.meta.url), {
			workerData: { file: join(dataDir, SQLITE_FILE), synchronous }
		});
		w.unref();
		w.on('message', (reply: { id: number; ids?: number[]; error?: string }) => {
			const entry = waiting.get(reply.id);
			waiting.delete(reply.id);
			if (reply.error) entry?.reject(new Error(reply.error));
			else entry?.resolve(reply);
		});
		w.on('error', (error) => {
			for (const entry of waiting.values()) entry.reject(error);
			waiting.clear();
			worker = undefined;
		});
		return w;
	};
	const call = (message: Record<string, unknown>) =>
		new Promise<{ ids?: number[] }>((resolve, reject) => {
			const id = ++nextId;
			waiting.set(id, { resolve, reject });
			worker ??= start();
			worker.postMessage({ ...message, id });
		});

	let pending: Pending[] = [];
	let scheduled = false;
	const flush = async () => {
		scheduled = false;
		const batch = pending;
		pending = [];
		try {
			const { ids = [] } = await call({
				op: 'append',
				rows: batch.map(({ docName, update }) => ({ docName, update }))
			});
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
		async compact(docName, state, throughId) {
			await call({ op: 'compact', docName, state, throughId });
		},
		async close() {
			if (!worker) return;
			await call({ op: 'close' });
			await worker?.terminate();
			worker = undefined;
		}
	};
}
