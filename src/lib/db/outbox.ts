import type { Questionnaire } from '../contracts/questionnaire';
import type { AnyMutationResponse } from '../contracts/mutations';
import type { CommonGroundDb, OutboxEntry } from './db';

/**
 * Queues a sign-up: the outbox entry, the local sign-up record and the draft's removal are one
 * IndexedDB transaction, so a crash can never leave a sign-up that is neither a draft nor queued.
 */
export async function queueSignup(
	db: CommonGroundDb,
	{
		questionnaire,
		id = crypto.randomUUID(),
		now = Date.now()
	}: { questionnaire: Questionnaire; id?: string; now?: number }
): Promise<string> {
	await db.transaction('rw', [db.outbox, db.signups, db.drafts], async () => {
		await db.outbox.add({
			id,
			mutation: { id, type: 'signup', payload: questionnaire },
			status: 'pending',
			createdAt: now,
			attempts: 0,
			nextAttemptAt: now
		});
		await db.signups.add({ id, firstName: questionnaire.firstName, status: 'waiting', createdAt: now });
		await db.drafts.delete('signup');
	});
	return id;
}

export async function dueEntries(db: CommonGroundDb, now = Date.now()): Promise<OutboxEntry[]> {
	const pending = await db.outbox.where('status').equals('pending').sortBy('createdAt');
	return pending.filter((e) => e.nextAttemptAt <= now);
}

export async function pendingCount(db: CommonGroundDb): Promise<number> {
	return db.outbox.where('status').equals('pending').count();
}

export async function nextAttemptAt(db: CommonGroundDb): Promise<number | undefined> {
	const first = await db.outbox.where('status').equals('pending').sortBy('nextAttemptAt');
	return first[0]?.nextAttemptAt;
}

/** The server has the mutation: drop it from the outbox and keep what it answered. */
export async function markDelivered(
	db: CommonGroundDb,
	{ id, result }: { id: string; result: AnyMutationResponse['result'] }
) {
	await db.transaction('rw', [db.outbox, db.signups, db.consents], async () => {
		await db.outbox.delete(id);
		if ('participantId' in result) await db.signups.update(id, { status: 'sent', result });
		else await db.consents.update(id, { status: 'sent' });
	});
}

export async function markRetry(
	db: CommonGroundDb,
	{ id, delayMs, error, now = Date.now() }: { id: string; delayMs: number; error: string; now?: number }
) {
	await db.outbox
		.where('id')
		.equals(id)
		.modify((entry) => {
			entry.attempts += 1;
			entry.nextAttemptAt = now + delayMs;
			entry.lastError = error;
		});
}

/**
 * The server refused the mutation for good (bad input it could only check there, such as an unknown
 * invite code). The answers go back into the draft so the person can fix them; nothing is lost.
 */
export async function markRejected(
	db: CommonGroundDb,
	{ id, error }: { id: string; error: { code: string; message: string; fields?: Record<string, string> } }
) {
	await db.transaction('rw', [db.outbox, db.signups, db.drafts, db.consents], async () => {
		const entry = await db.outbox.get(id);
		await db.consents.update(id, { status: 'rejected' });
		if (!entry) return;
		await db.outbox.update(id, { status: 'rejected', lastError: error.message });
		await db.signups.update(id, { status: 'rejected', error });
		const existing = await db.drafts.get('signup');
		if (!existing && entry.mutation.type === 'signup') {
			await db.drafts.put({
				id: 'signup',
				answers: entry.mutation.payload,
				stepIndex: 0,
				updatedAt: Date.now()
			});
		}
	});
}
