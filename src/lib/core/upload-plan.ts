/**
 * Which audio goes to the server, in what order, and when local audio may go (issue #6, "Low
 * bandwidth first", "Deleting local audio"). Pure rules; the upload queue applies them.
 */
import type { TrackKind } from '../contracts/consent';

export type UploadStage = 'waiting' | 'encoding' | 'uploading' | 'confirmed' | 'failed';

export type Connection = {
	online: boolean;
	/** navigator.connection.effectiveType where the browser has it ('slow-2g' … '4g'). */
	effectiveType?: string;
	/** Mbit/s estimate, where known. */
	downlinkMbps?: number;
	saveData?: boolean;
};

/**
 * A good connection for the lossless master: 4G-class and no data saver. Browsers round and cap
 * their downlink estimate (Chromium reports ~1.45 Mbit/s on a fast LAN), so it only counts where
 * no connection class is known.
 */
export function isGoodConnection(c: Connection): boolean {
	if (!c.online || c.saveData) return false;
	if (c.effectiveType !== undefined) return c.effectiveType === '4g';
	return c.downlinkMbps === undefined || c.downlinkMbps >= 2;
}

/**
 * What to upload now, in order. The share track always goes first (the copy needs it); the master
 * only once this person agreed to the archive, and then only on a good connection, except on a
 * kiosk, which must send everything right away because it wipes itself after each person.
 */
export function tracksToUpload(input: {
	archiveConsented: boolean;
	kiosk: boolean;
	connection: Connection;
	confirmed: ReadonlySet<TrackKind>;
}): TrackKind[] {
	if (!input.connection.online) return [];
	const plan: TrackKind[] = [];
	if (!input.confirmed.has('share')) plan.push('share');
	const masterWanted = input.archiveConsented && !input.confirmed.has('master');
	if (masterWanted && (input.kiosk || isGoodConnection(input.connection))) plan.push('master');
	return plan;
}

/**
 * The raw recording may be deleted only once every file that could still be made from it is on
 * the server and confirmed: the share track, plus the master while the archive is (or may yet be)
 * agreed to. A "no" to the archive is final enough to let go of the raw audio; a later yes then has
 * no lossless master, and the package is made from the share track (the person is told so).
 */
export function mayDeleteRecording(input: {
	confirmed: ReadonlySet<TrackKind>;
	archiveAnswer: 'yes' | 'no' | 'withdrawn' | null;
}): boolean {
	if (!input.confirmed.has('share')) return false;
	if (input.archiveAnswer === 'no' || input.archiveAnswer === 'withdrawn') return true;
	return input.archiveAnswer === 'yes' && input.confirmed.has('master');
}

/** "Don't close yet" only while something exists on this device alone and is being sent or made. */
export function mustStayOpen(stages: readonly UploadStage[]): boolean {
	return stages.some((s) => s === 'encoding' || s === 'uploading');
}
