import type { ColumnType, Generated } from 'kysely';
import type { TrackKind } from '../../../src/lib/contracts/consent.ts';
import type { MATCHING_MODES, POLITICAL_BACKGROUNDS } from '../../../src/lib/contracts/matching.ts';
import type { ConversationStatus } from '../../../src/lib/core/conversation-state.ts';

// One source per enum: the values live beside the contracts and the core, and the tables take their types.
export type { ConversationStatus };

/** Kysely table types. Timestamps are ISO-8601 UTC strings, so they sort and compare as text. */
export interface Database {
	communities: CommunitiesTable;
	partner_organizations: PartnerOrganizationsTable;
	users: UsersTable;
	participants: ParticipantsTable;
	sign_in_tokens: SignInTokensTable;
	sessions: SessionsTable;
	mutations: MutationsTable;
	mail_outbox: MailOutboxTable;
	conversations: ConversationsTable;
	kiosks: KiosksTable;
	yjs_updates: YjsUpdatesTable;
	yjs_snapshots: YjsSnapshotsTable;
	active_matches: ActiveMatchesTable;
	matching_runs: MatchingRunsTable;
	consents: ConsentsTable;
	conversation_tracks: ConversationTracksTable;
	conversation_copies: ConversationCopiesTable;
	reflections: ReflectionsTable;
	jobs: JobsTable;
}

type WithDefault<T> = ColumnType<T, T | undefined, T>;

export interface CommunitiesTable {
	id: string;
	name: string;
	time_zone: string;
	conversation_minutes: WithDefault<number>;
	created_at: string;
	matching_mode: WithDefault<MatchingMode>;
}

export type MatchingMode = (typeof MATCHING_MODES)[number];
export type PoliticalBackground = (typeof POLITICAL_BACKGROUNDS)[number];

export interface PartnerOrganizationsTable {
	id: string;
	name: string;
	description: WithDefault<string>;
	political_background: PoliticalBackground;
	/** Stored upper-case; looked up case-insensitively by upper-casing the input. */
	invite_code: string;
	created_at: string;
}

export interface UsersTable {
	id: string;
	role: 'participant' | 'partner_staff' | 'facilitator' | 'coordinator';
	email: string | null;
	first_name: string;
	last_name: WithDefault<string>;
	phone: string | null;
	personal_code_hash: string | null;
	language: WithDefault<string>;
	partner_organization_id: string | null;
	created_at: string;
}

export interface ParticipantsTable {
	user_id: string;
	community_id: string;
	partner_organization_id: string | null;
	status: WithDefault<string>;
	answers_json: string;
	agreement_version: string;
	autobiography: string;
	created_at: string;
	oriented_at: ColumnType<string | null, string | null | undefined, string | null>;
	waiting_since: ColumnType<string | null, string | null | undefined, string | null>;
	rematch_priority: WithDefault<number>;
	coordinator_notes: WithDefault<string>;
}

export interface SignInTokensTable {
	token_hash: string;
	user_id: string;
	expires_at: string;
	used_at: string | null;
	created_at: string;
}

export interface SessionsTable {
	id_hash: string;
	user_id: string;
	created_at: string;
	expires_at: string;
}

export interface MutationsTable {
	/** SHA-256 of the client's mutation id: the id is the key that unseals result_json. */
	id_hash: string;
	user_id: string;
	type: string;
	payload_hash: string;
	result_json: string;
	created_at: string;
}

export interface MailOutboxTable {
	id: Generated<number>;
	to_address: string;
	subject: string;
	text: string;
	html: string | null;
	created_at: string;
	sent_at: string | null;
	error: string | null;
	attempts: WithDefault<number>;
	send_after: ColumnType<string | null, string | null | undefined, string | null>;
	cancel_key: ColumnType<string | null, string | null | undefined, string | null>;
	attachments_json: ColumnType<string | null, string | null | undefined, string | null>;
	/** The instance sending it now, until `claimed_until` (issue #17: never sent twice). */
	claimed_by: ColumnType<string | null, string | null | undefined, string | null>;
	claimed_until: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ConversationsTable {
	id: string;
	community_id: string;
	participant_a_id: string;
	participant_b_id: string;
	facilitator_id: string | null;
	status: WithDefault<ConversationStatus>;
	in_common: WithDefault<string>;
	scheduled_start: string | null;
	created_at: string;
	updated_at: string;
	accepted_a_at: Nullable;
	accepted_b_at: Nullable;
	declined_by: Nullable;
	decline_reason: WithDefault<string>;
	reason_json: WithDefault<string>;
	proposed_start: Nullable;
	proposed_by: Nullable;
	no_show_reported_by: Nullable;
	no_show_user_id: Nullable;
	matching_run_id: Nullable;
}

type Nullable = ColumnType<string | null, string | null | undefined, string | null>;

export interface ActiveMatchesTable {
	participant_id: string;
	conversation_id: string;
}

export interface MatchingRunsTable {
	id: string;
	community_id: string;
	created_by: string;
	status: 'preview' | 'approved' | 'discarded';
	result_json: string;
	created_at: string;
	approved_at: string | null;
}

export interface KiosksTable {
	id: string;
	label: string;
	partner_organization_id: string | null;
	created_by: string;
	/** Cleared once used: an enrollment code works one time. */
	enrollment_code_hash: string | null;
	enrollment_expires_at: string;
	token_hash: string | null;
	enrolled_at: string | null;
	revoked_at: string | null;
	created_at: string;
}
export interface YjsUpdatesTable {
	id: Generated<number>;
	doc_name: string;
	update_data: Buffer;
	created_at: string;
}

export interface YjsSnapshotsTable {
	doc_name: string;
	state: Buffer;
	/** Every yjs_updates row of this document with id <= through_id is contained in `state`. */
	through_id: number;
	updated_at: string;
}

export interface ConsentsTable {
	id: string;
	conversation_id: string;
	user_id: string;
	kind: 'copy' | 'archive';
	answer: 'yes' | 'no' | 'withdrawn';
	text_version: string;
	language: string;
	archive_fields_json: string | null;
	decided_at: string;
	recorded_at: string;
}

export interface ConversationTracksTable {
	id: string;
	conversation_id: string;
	user_id: string;
	track_id: string;
	kind: TrackKind;
	upload_id: string;
	/** Relative to DATA_DIR. */
	file_path: string;
	sha256: string;
	bytes: number;
	codec: string;
	duration_ms: number;
	started_at_server_ms: number;
	samples_per_second: number;
	confirmed_at: string;
}

export interface ConversationCopiesTable {
	conversation_id: string;
	status: 'mixing' | 'ready' | 'failed';
	file_path: string | null;
	sha256: string | null;
	bytes: number | null;
	duration_ms: number | null;
	error: string | null;
	notified_at: string | null;
	created_at: string;
	updated_at: string;
}

export interface ReflectionsTable {
	conversation_id: string;
	user_id: string;
	thermometer: number;
	again: 'yes' | 'maybe' | 'no';
	created_at: string;
}

export type JobState = 'pending' | 'running' | 'done' | 'failed';

/** Work that runs once across instances (issue #17, migration 0008). */
export interface JobsTable {
	kind: string;
	key: string;
	state: JobState;
	run_at: string;
	attempts: WithDefault<number>;
	requested: WithDefault<number>;
	lease_holder: ColumnType<string | null, string | null | undefined, string | null>;
	lease_expires_at: ColumnType<string | null, string | null | undefined, string | null>;
	last_error: ColumnType<string | null, string | null | undefined, string | null>;
	created_at: string;
	updated_at: string;
}
