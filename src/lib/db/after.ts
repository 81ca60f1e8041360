import type { ConsentPayload } from '../contracts/consent';
import type { UploadKind, UploadStage } from '../core/upload-plan';
import type { CommonGroundDb } from './db';

/**
 * After the conversation (issue #6), on this device: each encoded file with its tus upload URL (so
 * an upload resumes after a reload or a browser restart), consent answers on their way to the
 * server, and copies kept for listening offline.
 */
export type UploadRecord = {
	/** `${trackId}:${kind}` */
	id: string;
	trackId: string;
	conversationId: string;
	kind: UploadKind;
	stage: UploadStage;
	/** The encoded file; dropped once the server confirmed it by checksum. */
	blob?: Blob;
	sha256?: string;
	bytes?: number;
	durationMs?: number;
	startedAtServerMs?: number;
	samplesPerSecond?: number;
	/** Which encoder made the file and how long it took (diagnostics; `npm run bench` reads them). */
	encoder?: 'webcodecs' | 'ffmpeg.wasm';
	encodeMs?: number;
	/** The tus upload URL, as soon as the server has created the upload. */
	uploadUrl?: string;
	/** The share track is going up during the call (sync/live-upload); no whole file yet. */
	live?: boolean;
	/** The upload was made during the call without a length: the queue declares it, and the checksum, at the end. */
	deferredLength?: boolean;
	/** 0–1 for the stage in progress. */
	progress: number;
	error?: string;
	updatedAt: number;
};

export type LocalConsent = {
	/** The outbox mutation id. */
	id: string;
	conversationId: string;
	payload: ConsentPayload;
	status: 'waiting' | 'sent' | 'rejected';
	createdAt: number;
};

export type KeptCopy = { conversationId: string; blob: Blob; savedAt: number };

export async function queueConsent(
	db: CommonGroundDb,
	{
		payload,
		id = crypto.randomUUID(),
		now = Date.now()
	}: { payload: ConsentPayload; id?: string; now?: number }
): Promise<string> {
	// One transaction: the answer is never on the device without being on its way to the server.
	await db.transaction('rw', [db.outbox, db.consents], async () => {
		await db.outbox.add({
			id,
			mutation: { id, type: 'consent', payload },
			status: 'pending',
			createdAt: now,
			attempts: 0,
			nextAttemptAt: now
		});
		await db.consents.add({
			id,
			conversationId: payload.conversationId,
			payload,
			status: 'waiting',
			createdAt: now
		});
	});
	return id;
}

export function consentsOf(db: CommonGroundDb, conversationId: string): Promise<LocalConsent[]> {
	return db.consents.where('conversationId').equals(conversationId).sortBy('createdAt');
}

export function uploadsOf(db: CommonGroundDb, conversationId: string): Promise<UploadRecord[]> {
	return db.uploads.where('conversationId').equals(conversationId).toArray();
}

export async function saveUpload(
	db: CommonGroundDb,
	id: string,
	change: Partial<UploadRecord>
): Promise<void> {
	await db.uploads.update(id, { ...change, updatedAt: Date.now() });
}

/** The time of a decision, as stored with the consent record. */
export const isoNow = (): string => new Date().toISOString();
