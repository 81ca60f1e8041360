import type { ColumnType, Generated } from 'kysely';

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
	consents: ConsentsTable;
	conversation_tracks: ConversationTracksTable;
	conversation_copies: ConversationCopiesTable;
	reflections: ReflectionsTable;
}

type WithDefault<T> = ColumnType<T, T | undefined, T>;

export interface CommunitiesTable {
	id: string;
	name: string;
	time_zone: string;
	conversation_minutes: WithDefault<number>;
	created_at: string;
}

export const POLITICAL_BACKGROUNDS = ['left', 'center', 'right', 'nonpartisan'] as const;
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
}

export type ConversationStatus =
	'proposed' | 'accepted' | 'scheduled' | 'recorded' | 'declined' | 'cancelled' | 'no_show';

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
	kind: 'share' | 'master';
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
