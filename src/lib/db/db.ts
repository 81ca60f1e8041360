import Dexie from 'dexie';
import type { CommonGroundDb, OutboxEntry } from './records';

export type {
	CacheRecord,
	CommonGroundDb,
	DraftRecord,
	OutboxEntry,
	OutboxStatus,
	QuestionListRecord,
	SignupRecord,
	SignupStatus,
	YjsUpdateRecord
} from './records';

export const DB_NAME = 'common-ground';

/**
 * Versioned schema. Never edit a released version: add a new one with an upgrade function.
 * v1: drafts, outbox, cache. v2: sign-up records, and outbox entries gain a status so a rejected
 * mutation stays visible instead of being retried forever. v3: shared-document updates (the
 * question lists' local persistence) and the question-list summaries. v4: the call's local
 * recording, one track per device and its audio segments (issue #5). v5: after the conversation
 * (issue #6): encoded files and their tus upload URLs, consent answers waiting for the outbox,
 * copies kept for offline listening.
 */
export function openDb(name = DB_NAME, options?: ConstructorParameters<typeof Dexie>[1]): CommonGroundDb {
	const db = new Dexie(name, options) as CommonGroundDb;
	db.version(1).stores({ drafts: 'id', outbox: 'id, createdAt', cache: 'key' });
	db.version(2)
		.stores({ outbox: 'id, createdAt, status, nextAttemptAt', signups: 'id, status, createdAt' })
		.upgrade(async (tx) => {
			await tx
				.table('outbox')
				.toCollection()
				.modify((entry: Partial<OutboxEntry>) => {
					entry.status ??= 'pending';
					entry.attempts ??= 0;
					entry.nextAttemptAt ??= 0;
				});
		});
	db.version(3).stores({ yjsUpdates: '++id, doc', questionLists: 'conversationId' });
	// v4 only adds tables, so it needs no upgrade function: no existing row changes shape.
	db.version(4).stores({
		tracks: 'id, conversationId, recordingId, status, updatedAt',
		segments: '[trackId+seq]'
	});
	// v5 adds tables only, too.
	db.version(5).stores({
		uploads: 'id, trackId, conversationId, stage',
		consents: 'id, conversationId, status',
		keptCopies: 'conversationId'
	});
	return db;
}

let shared: CommonGroundDb | undefined;
/** The app's database, opened on first use (never during the first paint of the landing page). */
export function db(): CommonGroundDb {
	shared ??= openDb();
	return shared;
}
