import type { TrackKind } from '../../../src/lib/contracts/consent.ts';
import type { ConsentRecord } from '../../../src/lib/core/consent.ts';

/**
 * Storage after the conversation (issue #6): consent answers, the confirmed audio files, the copy
 * and the reflections. Part of the store's interfaces (types.ts re-exports them).
 */
export interface StoredConsent extends ConsentRecord {
	id: string;
	conversationId: string;
	language: string;
	recordedAt: string;
}

export interface ConsentRepo {
	record(input: Omit<StoredConsent, 'recordedAt'> & { now: Date }): Promise<StoredConsent>;
	/** Oldest first: the log as it was written. */
	listForConversation(conversationId: string): Promise<StoredConsent[]>;
}

export interface TrackFile {
	id: string;
	conversationId: string;
	userId: string;
	trackId: string;
	kind: TrackKind;
	uploadId: string;
	/** Relative to DATA_DIR. */
	filePath: string;
	sha256: string;
	bytes: number;
	codec: string;
	durationMs: number;
	startedAtServerMs: number;
	samplesPerSecond: number;
	confirmedAt: string;
}

export interface TrackFileRepo {
	/** One file per person and kind: a later confirmed upload replaces the earlier one. */
	save(track: TrackFile): Promise<void>;
	listForConversation(conversationId: string): Promise<TrackFile[]>;
	/** Conversations holding a confirmed share track from two different people: the ones a copy can be mixed for. */
	conversationsWithBothShareTracks(): Promise<string[]>;
}

export interface CopyRecord {
	conversationId: string;
	status: 'mixing' | 'ready' | 'failed';
	filePath: string | null;
	sha256: string | null;
	bytes: number | null;
	durationMs: number | null;
	error: string | null;
	notifiedAt: string | null;
	createdAt: string;
	updatedAt: string;
}

export interface CopyRepo {
	find(conversationId: string): Promise<CopyRecord | undefined>;
	save(copy: Omit<CopyRecord, 'createdAt' | 'updatedAt'> & { now: Date }): Promise<void>;
	/**
	 * Notes that both people were told, only if nobody noted it first: false then. A conditional
	 * UPDATE, so of two instances announcing one copy at once only one queues the emails (issue #17).
	 */
	markNotified(conversationId: string, now: Date): Promise<boolean>;
}

export interface ReflectionRecord {
	conversationId: string;
	userId: string;
	thermometer: number;
	again: 'yes' | 'maybe' | 'no';
	createdAt: string;
}

export interface ReflectionRepo {
	save(input: Omit<ReflectionRecord, 'createdAt'> & { now: Date }): Promise<void>;
	find(conversationId: string, userId: string): Promise<ReflectionRecord | undefined>;
	/** With the community of each conversation and each person's sign-up thermometer. */
	listWithBaseline(): Promise<
		(ReflectionRecord & { communityId: string; organizationId: string | null; answersJson: string | null })[]
	>;
}
