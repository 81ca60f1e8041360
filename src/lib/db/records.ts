import type Dexie from 'dexie';
import type { EntityTable } from 'dexie';
import type { Community } from '../contracts/auth';
import type { ConsentPayload, TrackKind } from '../contracts/consent';
import type { MutationInput, SignupResult } from '../contracts/mutations';
import type { QuestionListSummary } from '../contracts/questions';
import type { Dropout } from '../core/recording-timeline';
import type { SignupDraft } from '../core/signup-steps';
import type { TrackPhase } from '../core/track-pipeline';
import type { UploadStage } from '../core/upload-plan';

// The device database's record types and its tables, in one module of types only: db.ts (the schema)
// and the modules that read and write the tables (recordings.ts, after.ts) all import them from here,
// so none of them imports another for its types (issue #16). Each module re-exports its own records.

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

/**
 * The local recording (issue #5): one track per device (this participant's voice only), stored as
 * segments of at most 1 s as it is captured, so a crash loses at most the segment being filled.
 * The upload (issue #6) reads a track's metadata and its segments in order, and deletes nothing
 * until the server has confirmed every byte.
 */
export type IndexEntry =
	| { kind: 'question'; promptId: string; text: string; asked: boolean; atSample: number; atServerMs: number }
	| { kind: 'mark'; markId: string; atSample: number; atServerMs: number };

export type TrackStatus = 'recording' | 'paused' | 'finished';

export type TrackRecord = {
	id: string;
	/** Shared by both devices' tracks of one recording (sent in the start command). */
	recordingId: string;
	conversationId: string;
	userId: string;
	format: 'pcm_s16le';
	sampleRate: number;
	channels: 1;
	status: TrackStatus;
	/** Server-synced time (ms since the epoch) of sample 0. */
	startedAtServerMs: number;
	sampleCount: number;
	segmentCount: number;
	/** Server-synced time just after the last saved sample. */
	endServerMs: number;
	dropouts: Dropout[];
	pauses: { atSample: number; atServerMs: number; resumedAtServerMs?: number }[];
	/** Questions asked and moments marked: the archive's time-coded index. */
	index: IndexEntry[];
	/** The latest clock estimate used to stamp segments. */
	clock: { offsetMs: number; uncertaintyMs: number } | null;
	/** How often this track was picked up again after the app closed mid-recording. */
	recoveries: number;
	createdAt: number;
	updatedAt: number;
	finishedAt?: number;
};

export type SegmentRecord = {
	trackId: string;
	seq: number;
	/** Index of this segment's first sample in the track. */
	startSample: number;
	sampleCount: number;
	/** Server-synced time of this segment's first sample. */
	serverTimeMs: number;
	/** 16-bit little-endian mono PCM. */
	pcm: ArrayBuffer;
};

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
	kind: TrackKind;
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
	/** Where the file is in the track pipeline (core/track-pipeline); `stage` is what the page shows of it. */
	phase?: TrackPhase;
	/** The upload was made during the call without a length: it is declared, with the checksum, at the end. */
	deferredLength?: boolean;
	/** This round already began a new upload because the server could not finish one. */
	restarted?: boolean;
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
