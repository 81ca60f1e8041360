import * as Y from 'yjs';
import type { CommonGroundDb } from '../db/db';

/** Transaction origin of updates read back from this device, so they are not written again. */
export const FROM_DEVICE = Symbol('from-device');
/** Past this many rows a document's updates are merged into one. */
const COMPACT_AFTER = 200;

/**
 * Yjs local persistence in Dexie (issue #4, "Offline"): every update of the document, local or
 * from the server, is appended to IndexedDB, and read back on the next visit, so edits made
 * offline survive a reload and are sent when the page reconnects. `onPending` reports how many
 * writes are still in flight: zero means "saved on this device".
 */
export async function persistOnDevice({
	db,
	docName,
	doc,
	onPending,
	onError = (error) => console.error('Could not save the question list on this device', error)
}: {
	db: CommonGroundDb;
	docName: string;
	doc: Y.Doc;
	onPending?: (count: number) => void;
	/** A write this device refused (full disk, storage evicted): the person must hear of it. */
	onError?: (error: unknown) => void;
}): Promise<() => void> {
	const rows = await db.yjsUpdates.where('doc').equals(docName).toArray();
	doc.transact(() => {
		for (const row of rows) Y.applyUpdate(doc, row.update, FROM_DEVICE);
	}, FROM_DEVICE);
	let stored = rows.length;
	let pending = 0;
	let compacting = false;

	const compact = async () => {
		if (compacting) return;
		compacting = true;
		try {
			await db.transaction('rw', db.yjsUpdates, async () => {
				const all = await db.yjsUpdates.where('doc').equals(docName).toArray();
				const merged = Y.mergeUpdates(all.map((r) => r.update));
				await db.yjsUpdates.bulkDelete(all.map((r) => r.id!));
				await db.yjsUpdates.add({ doc: docName, update: merged });
			});
			stored = 1;
		} finally {
			compacting = false;
		}
	};

	const onUpdate = (update: Uint8Array, origin: unknown) => {
		if (origin === FROM_DEVICE) return;
		pending += 1;
		onPending?.(pending);
		db.yjsUpdates
			.add({ doc: docName, update })
			.then(() => {
				stored += 1;
				if (stored > COMPACT_AFTER) return compact();
			})
			.catch(onError)
			.finally(() => {
				pending -= 1;
				onPending?.(pending);
			});
	};
	doc.on('update', onUpdate);
	return () => doc.off('update', onUpdate);
}

/** Forgets a document on this device (for a kiosk's "Finish"). */
export async function forgetOnDevice(db: CommonGroundDb, docName: string) {
	await db.yjsUpdates.where('doc').equals(docName).delete();
}
