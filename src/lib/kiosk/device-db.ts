import Dexie, { type EntityTable } from 'dexie';
import type { KioskDevice, SealedItem } from '../contracts/kiosk';

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
export type QueueRecord = SealedItem & { kind: 'mutation'; createdAt: number; attempts: number };

export type KioskDb = Dexie & {
	device: EntityTable<DeviceRecord, 'key'>;
	queue: EntityTable<QueueRecord, 'id'>;
};

/**
 * The kiosk's own database, apart from the visitor's (`common-ground`): it survives every wipe, and
 * holds nothing a visitor can read – the device token and ciphertext only.
 */
export const KIOSK_DB_NAME = 'common-ground-kiosk';

export function openKioskDb(): KioskDb {
	const db = new Dexie(KIOSK_DB_NAME) as KioskDb;
	db.version(1).stores({ device: 'key', queue: 'id, createdAt' });
	return db;
}

let shared: KioskDb | undefined;
export function kioskDb(): KioskDb {
	shared ??= openKioskDb();
	return shared;
}
