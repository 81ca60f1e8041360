import { bytesForMinutes } from '../core/recording-timeline';
import { requestPersistentStorage } from '../sync/storage';

export const RECORDING_ROOM_MINUTES = 60;

export type StorageCheck = {
	persisted: boolean;
	/** Undefined when the browser can't tell (then no warning is shown). */
	freeBytes: number | undefined;
	neededBytes: number;
	enough: boolean;
};

/**
 * Is there room on this device for an hour of recording (issue #5)? Also asks the browser to keep
 * our storage under pressure, now that there is something worth keeping.
 */
export async function checkStorage(minutes = RECORDING_ROOM_MINUTES): Promise<StorageCheck> {
	const persisted = await requestPersistentStorage();
	const neededBytes = bytesForMinutes(minutes);
	let freeBytes: number | undefined;
	try {
		const { quota, usage } = await navigator.storage.estimate();
		if (quota !== undefined) freeBytes = quota - (usage ?? 0);
	} catch {
		freeBytes = undefined;
	}
	return { persisted, freeBytes, neededBytes, enough: freeBytes === undefined || freeBytes >= neededBytes };
}
