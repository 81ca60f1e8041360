import Dexie, { type EntityTable } from 'dexie';
import type { KioskDevice, SealedItem } from '../contracts/kiosk';
import type { PipelineState } from '../core/track-pipeline';

export type DeviceRecord = {
	key: 'device';
	token: string;
	device: KioskDevice;
	/** The server's public key, kept so the kiosk can seal a visitor's work while offline. */
	sealingKey: JsonWebKey;
	/** The last visitor's session cookie could not be ended on the server yet (the kiosk was offline). */
	signOutPending?: boolean;
};
/** Sealed work of a past visitor, waiting for the server. `kind` says where it goes once opened. */
export type MutationQueueRecord = SealedItem & { kind: 'mutation'; createdAt: number; attempts: number };
/**
 * A past visitor's recording the server had not confirmed: its manifest sealed like a mutation, its
 * audio in `chunks` under the same (forgotten) key. `sha256` is over the chunks' own SHA-256s: the
 * checksum the server must answer with before the item is deleted.
 */
export type RecordingQueueRecord = SealedItem & {
	kind: 'recording';
	chunkCount: number;
	sha256: string;
	createdAt: number;
	attempts: number;
	/** Where it is in the track pipeline (core/track-pipeline); absent until its first round. */
	pipeline?: PipelineState;
};
export type QueueRecord = MutationQueueRecord | RecordingQueueRecord;
/** One sealed piece of a recording: AES-GCM ciphertext, IV prepended (12 bytes). */
export type ChunkRecord = { itemId: string; seq: number; sealed: ArrayBuffer; sha256: string };

export type KioskDb = Dexie & {
	device: EntityTable<DeviceRecord, 'key'>;
	queue: EntityTable<QueueRecord, 'id'>;
	chunks: Dexie.Table<ChunkRecord, [string, number]>;
};

/**
 * The kiosk's own database, apart from the visitor's (`common-ground`): it survives every wipe, and
 * holds nothing a visitor can read – the device token and ciphertext only.
 */
export const KIOSK_DB_NAME = 'common-ground-kiosk';

export function openKioskDb(): KioskDb {
	const db = new Dexie(KIOSK_DB_NAME) as KioskDb;
	db.version(1).stores({ device: 'key', queue: 'id, createdAt' });
	// v2: sealed recordings' audio chunks (adds a table only).
	db.version(2).stores({ chunks: '[itemId+seq]' });
	return db;
}

/** Whether this browser is an enrolled kiosk; checked without creating the kiosk database. */
export async function isEnrolledKiosk(): Promise<boolean> {
	const names = (await indexedDB.databases()).map((d) => d.name);
	if (!names.includes(KIOSK_DB_NAME)) return false;
	return (await kioskDb().device.get('device')) !== undefined;
}

let shared: KioskDb | undefined;
export function kioskDb(): KioskDb {
	shared ??= openKioskDb();
	return shared;
}
