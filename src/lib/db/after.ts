import type { ConsentPayload } from '../contracts/consent';
import type { CommonGroundDb, LocalConsent, UploadRecord } from './records';

export type { KeptCopy, LocalConsent, UploadRecord } from './records';

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
