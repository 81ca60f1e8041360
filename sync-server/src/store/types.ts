import type { Role } from '../../../src/lib/contracts/auth.ts';
import type { ConsentRepo, CopyRepo, ReflectionRepo, TrackFileRepo } from './after-types.ts';
import type { Engine } from './migrations/dialect.ts';
import type { ConversationStatus, JobState, MatchingMode, PoliticalBackground } from './schema.ts';

export type * from './after-types.ts';

/**
 * Storage seen by the rest of the server. Routes and services use only these interfaces, so a
 * PostgreSQL implementation can be added next to the SQLite one without touching them.
 */

export interface CommunityRecord {
	id: string;
	name: string;
	timeZone: string;
	conversationMinutes: number;
	/** 'shortlist': participants choose among three proposals instead of the coordinator's run. */
	matchingMode: MatchingMode;
	createdAt: string;
}

export interface OrganizationRecord {
	id: string;
	name: string;
	description: string;
	politicalBackground: PoliticalBackground;
	inviteCode: string;
	createdAt: string;
}

export interface UserRecord {
	id: string;
	role: Role;
	email: string | null;
	firstName: string;
	lastName: string;
	phone: string | null;
	language: string;
	partnerOrganizationId: string | null;
	createdAt: string;
}

export interface ParticipantRecord {
	userId: string;
	communityId: string;
	partnerOrganizationId: string | null;
	status: string;
	answersJson: string;
	agreementVersion: string;
	autobiography: string;
	createdAt: string;
	orientedAt: string | null;
	/** When the person (re-)entered the pool; null until oriented. */
	waitingSince: string | null;
	rematchPriority: boolean;
	coordinatorNotes: string;
}

export interface SessionUser {
	userId: string;
	role: Role;
	firstName: string;
}

export type TokenConsumption =
	{ ok: true; userId: string } | { ok: false; reason: 'invalid' | 'expired' | 'used' };

export interface MutationRecord {
	idHash: string;
	userId: string;
	type: string;
	payloadHash: string;
	resultJson: string;
	createdAt: string;
}

export interface OutboxMessage {
	id: number;
	to: string;
	subject: string;
	text: string;
	html: string | null;
	createdAt: string;
	sentAt: string | null;
	error: string | null;
	attempts: number;
	/** Not delivered before this time (reminders). */
	sendAfter: string | null;
	attachments: MailAttachment[];
}

export interface MailAttachment {
	filename: string;
	contentType: string;
	content: string;
}

export type NewOutboxMessage = Pick<OutboxMessage, 'to' | 'subject' | 'text' | 'html'> & {
	sendAfter?: string | null;
	/** Unsent messages with this key can be withdrawn together (a rescheduled conversation's reminders). */
	cancelKey?: string;
	attachments?: MailAttachment[];
};

export interface CommunityRepo {
	list(): Promise<CommunityRecord[]>;
	findById(id: string): Promise<CommunityRecord | undefined>;
	findByName(name: string): Promise<CommunityRecord | undefined>;
	create(input: {
		name: string;
		timeZone: string;
		conversationMinutes?: number;
		matchingMode?: MatchingMode;
		now: Date;
	}): Promise<CommunityRecord>;
	update(
		id: string,
		patch: Partial<Pick<CommunityRecord, 'name' | 'timeZone' | 'conversationMinutes' | 'matchingMode'>>
	): Promise<void>;
}

export interface OrganizationRepo {
	/** Case-insensitive. */
	findByInviteCode(code: string): Promise<OrganizationRecord | undefined>;
	create(input: Omit<OrganizationRecord, 'id' | 'createdAt'> & { now: Date }): Promise<OrganizationRecord>;
	list(): Promise<OrganizationRecord[]>;
	findById(id: string): Promise<OrganizationRecord | undefined>;
}

export interface UserRepo {
	create(
		input: Omit<UserRecord, 'id' | 'createdAt'> & { personalCodeHash: string | null; now: Date }
	): Promise<UserRecord>;
	findById(id: string): Promise<UserRecord | undefined>;
	/** Emails are stored lower-case; pass them lower-case. */
	findByEmail(email: string): Promise<UserRecord | undefined>;
	findByPersonalCodeHash(hash: string): Promise<UserRecord | undefined>;
	/**
	 * Creates the user unless another one has this personal code (undefined then): the unique index
	 * answers in the same statement that inserts, instead of a SELECT before it (issue #17).
	 */
	createUnlessCodeTaken(
		input: Omit<UserRecord, 'id' | 'createdAt'> & { personalCodeHash: string; now: Date }
	): Promise<UserRecord | undefined>;
	/** For the coordinator's pickers (facilitators): id and full name only. */
	listByRole(role: Role): Promise<{ id: string; name: string }[]>;
	/** The language emails and the .ics go out in (issue #8). */
	setLanguage(id: string, language: string): Promise<void>;
}

export interface ParticipantRepo {
	create(
		input: Omit<
			ParticipantRecord,
			'status' | 'createdAt' | 'orientedAt' | 'waitingSince' | 'rematchPriority' | 'coordinatorNotes'
		> & { now: Date }
	): Promise<void>;
	findByUserId(userId: string): Promise<ParticipantRecord | undefined>;
	count(): Promise<number>;
	/** Orientation done: the person enters the pool now (unless already in it). */
	markOriented(userId: string, now: Date): Promise<void>;
	/** Back in the pool after a decline, cancellation or no-show; `priority` puts them first. */
	requeue(userId: string, input: { now: Date; priority: boolean }): Promise<void>;
	/** Matched: the priority has done its job. */
	clearPriority(userId: string): Promise<void>;
	setNotes(userId: string, notes: string): Promise<void>;
	/** Participants with their user row, for the coordinator, staff and the matching pool. */
	listDirectory(filter: {
		communityId?: string;
		partnerOrganizationId?: string;
		search?: string;
		limit: number;
	}): Promise<ParticipantDirectoryEntry[]>;
}

export interface ParticipantDirectoryEntry extends ParticipantRecord {
	firstName: string;
	lastName: string;
	email: string | null;
	phone: string | null;
}

export interface AuthRepo {
	createSignInToken(input: { tokenHash: string; userId: string; expiresAt: Date; now: Date }): Promise<void>;
	/** Marks the token used in the same statement that checks it, so a link can never work twice. */
	consumeSignInToken(tokenHash: string, now: Date): Promise<TokenConsumption>;
	createSession(input: { idHash: string; userId: string; expiresAt: Date; now: Date }): Promise<void>;
	findSessionUser(idHash: string, now: Date): Promise<SessionUser | undefined>;
	deleteSession(idHash: string): Promise<void>;
	deleteExpired(now: Date): Promise<void>;
}

export interface MutationRepo {
	find(idHash: string): Promise<MutationRecord | undefined>;
	record(input: Omit<MutationRecord, 'createdAt'> & { now: Date }): Promise<void>;
}

export interface MailRepo {
	enqueue(message: NewOutboxMessage, now: Date): Promise<number>;
	/**
	 * Messages due to be sent (unsent, fewer than `maxAttempts` failures, past their send_after), oldest
	 * first, that no other sender holds: taken for `holder` until `until` in one statement, so two
	 * instances flushing at once never get the same message (issue #17). markSent and markFailed let
	 * go; a sender that dies lets go when `until` passes.
	 */
	claim(input: {
		limit: number;
		maxAttempts: number;
		now: Date;
		holder: string;
		until: Date;
	}): Promise<OutboxMessage[]>;
	/** Lets go of claimed messages without sending them (the sender is closing). */
	release(ids: readonly number[]): Promise<void>;
	/**
	 * `redact` drops the bodies once a real mail server has them: they hold sign-in links and codes.
	 * One statement for a whole batch: one per message was a round trip per sign-up on PostgreSQL.
	 */
	markSent(ids: readonly number[], input: { now: Date; redact: boolean }): Promise<void>;
	/** `redact`: the last attempt failed; the body (links, codes) is dropped. */
	markFailed(id: number, error: string, input?: { redact: boolean }): Promise<void>;
	/** Newest first. */
	list(input: { limit: number; to?: string }): Promise<OutboxMessage[]>;
	/** Withdraws the unsent messages with this key; returns how many. */
	cancel(cancelKey: string): Promise<number>;
}

export interface ConversationRecord {
	id: string;
	communityId: string;
	participantIds: [string, string];
	facilitatorId: string | null;
	status: ConversationStatus;
	/** The "what you have in common" line both partners see. */
	inCommon: string;
	scheduledStart: string | null;
	createdAt: string;
	updatedAt: string;
	/** When each participant (same order as participantIds) accepted the match. */
	acceptedAt: [string | null, string | null];
	declinedBy: string | null;
	declineReason: string;
	/** The engine's PairReason as JSON (shared hours, interests, how far apart). */
	reasonJson: string;
	/** A time one partner picked and the other has yet to confirm. */
	proposedStart: string | null;
	proposedBy: string | null;
	noShowReportedBy: string | null;
	noShowUserId: string | null;
	matchingRunId: string | null;
}

export type ConversationPatch = Partial<
	Pick<
		ConversationRecord,
		| 'status'
		| 'facilitatorId'
		| 'scheduledStart'
		| 'inCommon'
		| 'acceptedAt'
		| 'declinedBy'
		| 'declineReason'
		| 'proposedStart'
		| 'proposedBy'
		| 'noShowReportedBy'
		| 'noShowUserId'
	>
>;

export interface MatchingRunRecord {
	id: string;
	communityId: string;
	createdBy: string;
	status: 'preview' | 'approved' | 'discarded';
	resultJson: string;
	createdAt: string;
	approvedAt: string | null;
}

export interface MatchingRepo {
	/** Claims both people for the conversation; throws if either already has an active match. */
	claim(participantIds: readonly string[], conversationId: string): Promise<void>;
	release(conversationId: string): Promise<void>;
	activeConversationOf(participantId: string): Promise<string | undefined>;
	activeParticipantIds(): Promise<Set<string>>;
	createRun(
		input: Omit<MatchingRunRecord, 'id' | 'createdAt' | 'approvedAt'> & { now: Date }
	): Promise<MatchingRunRecord>;
	findRun(id: string): Promise<MatchingRunRecord | undefined>;
	closeRun(id: string, input: { status: 'approved' | 'discarded'; now: Date }): Promise<void>;
	/** Every pair of people who have had a conversation proposed in this community, ever. */
	pastPairs(communityId: string): Promise<[string, string][]>;
}

export interface ConversationRepo {
	create(input: {
		communityId: string;
		participantIds: [string, string];
		facilitatorId?: string | null;
		status?: ConversationStatus;
		inCommon?: string;
		scheduledStart?: string | null;
		reasonJson?: string;
		matchingRunId?: string | null;
		now: Date;
	}): Promise<ConversationRecord>;
	findById(id: string): Promise<ConversationRecord | undefined>;
	listForUser(userId: string): Promise<ConversationRecord[]>;
	listForCommunity(
		communityId: string,
		filter?: { statuses?: readonly ConversationStatus[]; limit?: number }
	): Promise<ConversationRecord[]>;
	update(id: string, patch: ConversationPatch & { now: Date }): Promise<void>;
}

export interface KioskRecord {
	id: string;
	label: string;
	partnerOrganizationId: string | null;
	organizationName: string | null;
	status: 'waiting' | 'enrolled' | 'revoked';
	enrollmentExpiresAt: string;
	enrolledAt: string | null;
	createdAt: string;
}

export interface KioskRepo {
	create(input: {
		label: string;
		partnerOrganizationId: string | null;
		createdBy: string;
		enrollmentCodeHash: string;
		enrollmentExpiresAt: Date;
		now: Date;
	}): Promise<KioskRecord>;
	/** Trades an unexpired, unused, unrevoked enrollment code for a token, in one statement. */
	enroll(input: {
		enrollmentCodeHash: string;
		tokenHash: string;
		now: Date;
	}): Promise<KioskRecord | undefined>;
	findByToken(tokenHash: string): Promise<KioskRecord | undefined>;
	findById(id: string): Promise<KioskRecord | undefined>;
	/** All kiosks, or one organization's. Newest first. */
	list(input: { partnerOrganizationId?: string }): Promise<KioskRecord[]>;
	revoke(id: string, now: Date): Promise<void>;
}

/** Shared Yjs documents: an append-only update log plus one compacted snapshot per document. */
export interface YjsDocRepo {
	load(docName: string): Promise<{
		snapshot: Uint8Array | null;
		throughId: number;
		updates: { id: number; update: Uint8Array }[];
	}>;
	/**
	 * Per document: how many log rows it has, and its snapshot's through_id (0 without one). A
	 * document with neither is left out. Two cheap queries for any number of documents (issue #17).
	 */
	heads(docNames: string[]): Promise<Map<string, { rows: number; throughId: number }>>;
	/** Appends in order and returns the new row ids, in the same order. */
	append(rows: { docName: string; update: Uint8Array }[], now: Date): Promise<number[]>;
	/**
	 * Merges the log rows up to `throughId` and `state` into the snapshot and deletes those rows, in one
	 * transaction: a row is deleted only once the snapshot holds it, whatever `state` holds (issue #17).
	 */
	compact(input: { docName: string; state: Uint8Array; throughId: number; now: Date }): Promise<void>;
}

export interface Repos {
	communities: CommunityRepo;
	organizations: OrganizationRepo;
	users: UserRepo;
	participants: ParticipantRepo;
	auth: AuthRepo;
	mutations: MutationRepo;
	mail: MailRepo;
	conversations: ConversationRepo;
	kiosks: KioskRepo;
	yjsDocs: YjsDocRepo;
	matching: MatchingRepo;
	consents: ConsentRepo;
	trackFiles: TrackFileRepo;
	copies: CopyRepo;
	reflections: ReflectionRepo;
	jobs: JobRepo;
}

export interface Store extends Repos {
	/** The engine behind it: SQLite in DATA_DIR, or PostgreSQL when DATABASE_URL is set. */
	readonly engine: Engine;
	/**
	 * Runs `fn` in one write transaction and commits before resolving: "the server writes before it
	 * acknowledges". Use only the repos passed to `fn` inside it.
	 */
	transaction<T>(fn: (repos: Repos) => Promise<T>): Promise<T>;
	migrate(): Promise<string[]>;
	close(): Promise<void>;
}

export type { JobState };

/** Work that runs once across instances (issue #17): one row per kind and key. */
export interface JobRecord {
	kind: string;
	key: string;
	state: JobState;
	runAt: string;
	attempts: number;
	requested: number;
	leaseHolder: string | null;
	leaseExpiresAt: string | null;
	lastError: string | null;
}

/** A job a runner holds; `requested` tells at the end whether it was asked for again meanwhile. */
export type ClaimedJob = Pick<JobRecord, 'kind' | 'key' | 'attempts' | 'requested'>;

export interface JobRepo {
	/**
	 * Asks for (kind, key) to run from `runAt` (default `now`). A waiting job takes the earlier
	 * time; a running one runs once more when it ends; a done or failed one waits again, from 0 attempts.
	 */
	enqueue(input: { kind: string; key: string; now: Date; runAt?: Date }): Promise<void>;
	/** Makes a timer's row, first due at `runAt`, unless it exists. */
	schedule(input: { kind: string; key: string; now: Date; runAt: Date }): Promise<void>;
	/**
	 * Takes the oldest due job of these kinds (waiting and due, or running under a lease that
	 * expired) for `holder` until `leaseUntil`. One conditional UPDATE per try, so of two instances
	 * only one wins a job, on PostgreSQL's READ COMMITTED too (it re-checks the row it waited for).
	 */
	claim(input: {
		kinds: readonly string[];
		holder: string;
		now: Date;
		leaseUntil: Date;
	}): Promise<ClaimedJob | undefined>;
	/** False when the lease is no longer the holder's (it expired and another took the job). */
	renew(input: { job: ClaimedJob; holder: string; now: Date; leaseUntil: Date }): Promise<boolean>;
	/**
	 * Ends the holder's run: done, or waiting again at once if it was asked for meanwhile, or at
	 * `next` (a timer). False when the lease was lost: another runner has the job.
	 */
	finish(input: { job: ClaimedJob; holder: string; now: Date; next?: Date }): Promise<boolean>;
	/** A failed run: waiting again at `retryAt`, or failed for good without it, with the error kept. */
	fail(input: {
		job: ClaimedJob;
		holder: string;
		now: Date;
		error: string;
		retryAt?: Date;
	}): Promise<boolean>;
	find(kind: string, key: string): Promise<JobRecord | undefined>;
}
