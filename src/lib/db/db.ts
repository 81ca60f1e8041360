import Dexie, { type EntityTable } from 'dexie';
import type { Community } from '../contracts/auth';
import type { MutationInput, SignupResult } from '../contracts/mutations';
import type { QuestionListSummary } from '../contracts/questions';
import type { SignupDraft } from '../core/signup-steps';
import type { SegmentRecord, TrackRecord } from './recordings';
import type { KeptCopy, LocalConsent, UploadRecord } from './after';

/** The questionnaire being filled in. One per device (kiosk sessions wipe it, issue #7). */
export type DraftRecord = { id: 'signup'; answers: SignupDraft; stepIndex: number; updatedAt: number };

export type OutboxStatus = 'pending' | 'rejected';
/** A mutation waiting for the server. Its id is the mutation id the server deduplicates on. */
export type OutboxEntry = {
	id: string;
	mutation: MutationInput;
	status: OutboxStatus;
	createdAt: number;
	attempts: number;
	nextAttemptAt: number;
	lastError?: string;
};

export type SignupStatus = 'waiting' | 'sent' | 'rejected';
/** This device's record of a sign-up, written with its outbox entry in one transaction. */
export type SignupRecord = {
	id: string;
	firstName: string;
	status: SignupStatus;
	createdAt: number;
	result?: SignupResult;
	error?: { code: string; message: string; fields?: Record<string, string> };
};

/** One Yjs update of a shared document, kept on this device (issue #4: offline edits survive reloads). */
export type YjsUpdateRecord = { id?: number; doc: string; update: Uint8Array };
/** What a question-list page needs to open offline, saved the last time it was opened online. */
export type QuestionListRecord = { conversationId: string; summary: QuestionListSummary; savedAt: number };

export type CacheRecord = { key: 'communities'; value: Community[]; updatedAt: number };

export type CommonGroundDb = Dexie & {
	drafts: EntityTable<DraftRecord, 'id'>;
	outbox: EntityTable<OutboxEntry, 'id'>;
	signups: EntityTable<SignupRecord, 'id'>;
	cache: EntityTable<CacheRecord, 'key'>;
	yjsUpdates: EntityTable<YjsUpdateRecord, 'id'>;
	questionLists: EntityTable<QuestionListRecord, 'conversationId'>;
	tracks: EntityTable<TrackRecord, 'id'>;
	segments: Dexie.Table<SegmentRecord, [string, number]>;
	uploads: EntityTable<UploadRecord, 'id'>;
	consents: EntityTable<LocalConsent, 'id'>;
	keptCopies: EntityTable<KeptCopy, 'conversationId'>;
};

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
