import type { Role } from '../../../src/lib/contracts/auth.ts';
import type { ConsentRecord } from '../../../src/lib/core/consent.ts';
import type { ConversationStatus, PoliticalBackground } from './schema.ts';

/**
 * Storage seen by the rest of the server. Routes and services use only these interfaces, so a
 * PostgreSQL implementation can be added next to the SQLite one without touching them.
 */

export interface CommunityRecord {
	id: string;
	name: string;
	timeZone: string;
	conversationMinutes: number;
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
}

export type NewOutboxMessage = Pick<OutboxMessage, 'to' | 'subject' | 'text' | 'html'>;

export interface CommunityRepo {
	list(): Promise<CommunityRecord[]>;
	findById(id: string): Promise<CommunityRecord | undefined>;
	findByName(name: string): Promise<CommunityRecord | undefined>;
	create(input: {
		name: string;
		timeZone: string;
		conversationMinutes?: number;
		now: Date;
	}): Promise<CommunityRecord>;
}

export interface OrganizationRepo {
	/** Case-insensitive. */
	findByInviteCode(code: string): Promise<OrganizationRecord | undefined>;
	create(input: Omit<OrganizationRecord, 'id' | 'createdAt'> & { now: Date }): Promise<OrganizationRecord>;
}

export interface UserRepo {
	create(
		input: Omit<UserRecord, 'id' | 'createdAt'> & { personalCodeHash: string | null; now: Date }
	): Promise<UserRecord>;
	findById(id: string): Promise<UserRecord | undefined>;
	/** Emails are stored lower-case; pass them lower-case. */
	findByEmail(email: string): Promise<UserRecord | undefined>;
	findByPersonalCodeHash(hash: string): Promise<UserRecord | undefined>;
	personalCodeHashExists(hash: string): Promise<boolean>;
}

export interface ParticipantRepo {
	create(input: Omit<ParticipantRecord, 'status' | 'createdAt'> & { now: Date }): Promise<void>;
	findByUserId(userId: string): Promise<ParticipantRecord | undefined>;
	count(): Promise<number>;
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
	/** Oldest first; skips messages that failed `maxAttempts` times. */
	pending(input: { limit: number; maxAttempts: number }): Promise<OutboxMessage[]>;
	/** `redact` drops the bodies once a real mail server has them: they hold sign-in links and codes. */
	markSent(id: number, input: { now: Date; redact: boolean }): Promise<void>;
	markFailed(id: number, error: string): Promise<void>;
	/** Newest first. */
	list(input: { limit: number; to?: string }): Promise<OutboxMessage[]>;
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
}

export interface ConversationRepo {
	create(input: {
		communityId: string;
		participantIds: [string, string];
		facilitatorId?: string | null;
		status?: ConversationStatus;
		inCommon?: string;
		scheduledStart?: string | null;
		now: Date;
	}): Promise<ConversationRecord>;
	findById(id: string): Promise<ConversationRecord | undefined>;
	listForUser(userId: string): Promise<ConversationRecord[]>;
	update(
		id: string,
		patch: Partial<Pick<ConversationRecord, 'status' | 'facilitatorId' | 'scheduledStart' | 'inCommon'>> & {
			now: Date;
		}
	): Promise<void>;
}

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
	kind: 'share' | 'master';
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

export interface Repos {
	communities: CommunityRepo;
	organizations: OrganizationRepo;
	users: UserRepo;
	participants: ParticipantRepo;
	auth: AuthRepo;
	mutations: MutationRepo;
	mail: MailRepo;
	conversations: ConversationRepo;
	consents: ConsentRepo;
	trackFiles: TrackFileRepo;
	copies: CopyRepo;
	reflections: ReflectionRepo;
}

export interface Store extends Repos {
	/**
	 * Runs `fn` in one write transaction and commits before resolving: "the server writes before it
	 * acknowledges". Use only the repos passed to `fn` inside it.
	 */
	transaction<T>(fn: (repos: Repos) => Promise<T>): Promise<T>;
	migrate(): Promise<string[]>;
	close(): Promise<void>;
}
