import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { SQLITE_FILE } from '../store/sqlite.ts';
import type { Store } from '../store/types.ts';

/**
 * Where shared documents live between server runs (Hocuspocus' load/store hooks, split so the log
 * is append-only): SQLite's writes go through a worker thread, PostgreSQL's through the store's pool.
 */
export interface DocPersistence {
	/** The snapshot (if any) and the log's updates, with the log rows' ids and the snapshot's through_id. */
	load(
		docName: string
	): Promise<{ updates: Uint8Array[]; lastId: number; rowIds: number[]; throughId: number }>;
	/** Per document: its log's row count and snapshot's through_id (see YjsDocRepo.heads). */
	heads(docNames: string[]): Promise<Map<string, { rows: number; throughId: number }>>;
	/** Resolves with the log row id once the update is committed to disk, never before. */
	append(docName: string, update: Uint8Array): Promise<number>;
	/** Merges the log rows up to `throughId`, and `state`, into the snapshot, and deletes those rows. */
	compact(docName: string, state: Uint8Array, throughId: number): Promise<void>;
	close?(): Promise<void>;
}

type Pending = {
	docName: string;
	update: Uint8Array;
	resolve: (id: number) => void;
	reject: (e: unknown) => void;
};

/** The persistence for the store's engine. */
export function persistenceFor({ store, dataDir }: { store: Store; dataDir: string }): DocPersistence {
	return store.engine === 'postgres' ? storePersistence(store) : workerPersistence({ store, dataDir });
}

/**
 * Appends that arrive in one event-loop turn are written by one `write` (one transaction, one
 * commit), and each promise resolves with its row id only after that commit: the acknowledgement rule.
 */
function appendPerTurn(write: (rows: { docName: string; update: Uint8Array }[]) => Promise<number[]>) {
	let pending: Pending[] = [];
	let scheduled = false;
	let flushing: Promise<void> = Promise.resolve();
	const flush = async () => {
		scheduled = false;
		const batch = pending;
		pending = [];
		try {
			const ids = await write(batch.map(({ docName, update }) => ({ docName, update })));
			batch.forEach((p, i) => p.resolve(ids[i]!));
		} catch (error) {
			for (const p of batch) p.reject(error);
		}
	};
	return {
		append(docName: string, update: Uint8Array) {
			return new Promise<number>((resolve, reject) => {
				pending.push({ docName, update, resolve, reject });
				if (!scheduled) {
					scheduled = true;
					setImmediate(() => {
						flushing = flush();
					});
				}
			});
		},
		/** Resolves once every append queued so far is settled. */
		async settled() {
			while (scheduled) await new Promise((resolve) => setImmediate(resolve));
			await flushing;
		}
	};
}

async function loadLog(store: Pick<Store, 'yjsDocs'>, docName: string) {
	const { snapshot, throughId, updates } = await store.yjsDocs.load(docName);
	return {
		updates: [...(snapshot ? [snapshot] : []), ...updates.map((u) => u.update)],
		lastId: updates.at(-1)?.id ?? throughId,
		rowIds: updates.map((u) => u.id),
		throughId
	};
}

/**
 * PostgreSQL: no worker thread, since the pool is asynchronous already. Each batch is one
 * transaction; the repository serializes appends to each document, so its log ids grow in commit
 * order (issue #17: an instance that has seen id n has seen every earlier id of the document).
 */
export function storePersistence(store: Store): DocPersistence {
	const log = appendPerTurn((rows) => store.transaction((repos) => repos.yjsDocs.append(rows, new Date())));
	return {
		// One transaction, so a compaction elsewhere can't fall between reading the snapshot and the log.
		load: (docName) => store.transaction((repos) => loadLog(repos, docName)),
		heads: (docNames) => store.yjsDocs.heads(docNames),
		append: log.append,
		compact: (docName, state, throughId) =>
			store.transaction((repos) => repos.yjsDocs.compact({ docName, state, throughId, now: new Date() })),
		close: () => log.settled()
	};
}

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

	const log = appendPerTurn(async (rows) => (await call({ op: 'append', rows })).ids ?? []);

	return {
		load: (docName) => loadLog(store, docName),
		heads: (docNames) => store.yjsDocs.heads(docNames),
		append: log.append,
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
