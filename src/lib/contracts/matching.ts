import * as v from 'valibot';
import { ArchivePackageInfo } from './consent';
import { noControlCharacters } from './text';
import { CONVERSATION_STATUSES } from '../core/conversation-state';

/**
 * Matching, the partner's profile and scheduling (issue #3). Response schemas are strict objects and
 * the server validates what it sends with them: a field the partner must not see (last name, email,
 * phone) cannot slip into a response without failing here first.
 */

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const isoTime = v.pipe(v.string(), v.isoTimestamp('A time must be an ISO timestamp.'));

/** The partner, as a participant sees them: first name and autobiography, nothing else. */
export const PartnerProfile = v.strictObject({ firstName: v.string(), autobiography: v.string() });

export const MyConversation = v.strictObject({
	id: v.string(),
	status: v.picklist(CONVERSATION_STATUSES),
	partner: PartnerProfile,
	/** "What you have in common": the interests both named. */
	inCommon: v.array(v.string()),
	iAccepted: v.boolean(),
	partnerAccepted: v.boolean(),
	proposedStart: v.nullable(v.string()),
	proposedByMe: v.boolean(),
	scheduledStart: v.nullable(v.string()),
	minutes: v.number(),
	roomUrl: v.string(),
	/** From when a no-show may be reported (10 minutes after the start). */
	noShowFrom: v.nullable(v.string())
});
export type MyConversation = v.InferOutput<typeof MyConversation>;

export const MyMatching = v.strictObject({
	oriented: v.boolean(),
	communityTimeZone: v.string(),
	shortlistMode: v.boolean(),
	conversations: v.array(MyConversation)
});
export type MyMatching = v.InferOutput<typeof MyMatching>;

export const Slots = v.strictObject({ timeZone: v.string(), slots: v.array(v.string()) });
export type Slots = v.InferOutput<typeof Slots>;

export const DeclineBody = v.strictObject({
	reason: v.optional(
		v.pipe(
			v.string(),
			v.trim(),
			v.maxLength(500, 'Keep the reason under 500 characters.'),
			noControlCharacters({ multiline: true })
		)
	)
});
export const PickTimeBody = v.strictObject({ start: isoTime });

export const OrientationBody = v.strictObject({
	groundRules: v.literal(true, 'Please confirm the ground rules first.'),
	techCheck: v.picklist(['passed', 'skipped'])
});

/** Shortlist mode: three people the participant may choose from. */
export const ShortlistEntry = v.strictObject({
	personId: v.string(),
	partner: PartnerProfile,
	inCommon: v.array(v.string())
});
export const Shortlist = v.strictObject({ candidates: v.array(ShortlistEntry) });
export const ChooseBody = v.strictObject({ personId: id });

// ── Coordinator ────────────────────────────────────────────────────────────────────────────────────

export const MATCHING_MODES = ['optimal', 'shortlist'] as const;
export const POLITICAL_BACKGROUNDS = ['left', 'center', 'right', 'nonpartisan'] as const;

export const CommunityInfo = v.strictObject({
	id: v.string(),
	name: v.string(),
	timeZone: v.string(),
	conversationMinutes: v.number(),
	matchingMode: v.picklist(MATCHING_MODES)
});
export type CommunityInfo = v.InferOutput<typeof CommunityInfo>;

export const CommunityBody = v.strictObject({
	name: v.pipe(
		v.string(),
		v.trim(),
		v.minLength(2, 'Give the community a name.'),
		v.maxLength(100),
		noControlCharacters()
	),
	timeZone: v.pipe(v.string(), v.trim(), v.minLength(3, 'Choose a time zone like America/Chicago.')),
	conversationMinutes: v.optional(
		v.pipe(
			v.number(),
			v.integer(),
			v.minValue(15, 'At least 15 minutes.'),
			v.maxValue(120, 'At most 120 minutes.')
		),
		40
	),
	matchingMode: v.optional(v.picklist(MATCHING_MODES), 'optimal')
});

export const OrganizationInfo = v.strictObject({
	id: v.string(),
	name: v.string(),
	description: v.string(),
	politicalBackground: v.picklist(POLITICAL_BACKGROUNDS),
	inviteCode: v.string(),
	inviteUrl: v.string()
});
export type OrganizationInfo = v.InferOutput<typeof OrganizationInfo>;

export const OrganizationBody = v.strictObject({
	name: v.pipe(
		v.string(),
		v.trim(),
		v.minLength(2, 'Give the organization a name.'),
		v.maxLength(120),
		noControlCharacters()
	),
	description: v.optional(
		v.pipe(v.string(), v.trim(), v.maxLength(1000), noControlCharacters({ multiline: true })),
		''
	),
	politicalBackground: v.picklist(POLITICAL_BACKGROUNDS, 'Choose left, center, right or non-partisan.'),
	inviteCode: v.optional(
		v.pipe(
			v.string(),
			v.trim(),
			v.regex(/^[A-Za-z0-9-]{4,32}$/, 'Use 4 to 32 letters, digits or dashes.'),
			v.toUpperCase()
		)
	)
});

export const StaffBody = v.strictObject({
	email: v.pipe(
		v.string(),
		v.trim(),
		v.toLowerCase(),
		v.email('Enter an email address like name@example.org.')
	),
	firstName: v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, 'Enter a first name.'),
		v.maxLength(50),
		noControlCharacters()
	)
});

export const NUDGES = ['orientation', 'respond', 'pick_time'] as const;
export type Nudge = (typeof NUDGES)[number];

export const FUNNEL_STAGES = ['signed_up', 'oriented', 'matched', 'scheduled', 'recorded'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];
export const Funnel = v.strictObject(
	Object.fromEntries(FUNNEL_STAGES.map((s) => [s, v.number()])) as Record<
		FunnelStage,
		v.NumberSchema<undefined>
	>
);
export type Funnel = v.InferOutput<typeof Funnel>;

export const DirectoryEntry = v.strictObject({
	id: v.string(),
	firstName: v.string(),
	lastName: v.string(),
	email: v.nullable(v.string()),
	stage: v.picklist(FUNNEL_STAGES),
	waiting: v.boolean(),
	priority: v.boolean(),
	organizationName: v.nullable(v.string()),
	notes: v.string(),
	signedUpAt: v.string()
});
export type DirectoryEntry = v.InferOutput<typeof DirectoryEntry>;
export const NotesBody = v.strictObject({
	notes: v.pipe(v.string(), v.maxLength(2000), noControlCharacters({ multiline: true }))
});

export const PairReasonSchema = v.strictObject({
	sharedMinutesPerWeek: v.number(),
	sharedInterests: v.array(v.string()),
	statementsDiffer: v.number(),
	statementCount: v.number(),
	placementGap: v.number()
});
export type PairReason = v.InferOutput<typeof PairReasonSchema>;

const Person = v.strictObject({ id: v.string(), name: v.string() });
export const RunPreview = v.strictObject({
	runId: v.string(),
	communityId: v.string(),
	pairs: v.array(v.strictObject({ a: Person, b: Person, weight: v.number(), reason: PairReasonSchema })),
	unmatched: v.array(Person),
	ready: v.number(),
	candidatePairs: v.number(),
	greedy: v.strictObject({ pairs: v.number(), totalWeight: v.number() }),
	totalWeight: v.number()
});
export type RunPreview = v.InferOutput<typeof RunPreview>;

export const PairsBody = v.strictObject({
	pairs: v.pipe(v.array(v.strictObject({ a: id, b: id })), v.maxLength(5000))
});
export const ManualPairBody = v.strictObject({ communityId: id, a: id, b: id });

export const CalendarEntry = v.strictObject({
	id: v.string(),
	status: v.picklist(CONVERSATION_STATUSES),
	scheduledStart: v.nullable(v.string()),
	participants: v.array(Person),
	facilitator: v.nullable(Person),
	noShow: v.nullable(v.strictObject({ reportedBy: v.string(), absent: v.string() })),
	/** A recorded conversation's archive package: whether it can be made, and what it holds (issue #14). */
	archive: v.optional(ArchivePackageInfo)
});
export type CalendarEntry = v.InferOutput<typeof CalendarEntry>;
export const FacilitatorBody = v.strictObject({ facilitatorId: v.nullable(id) });

export const FunnelReport = v.strictObject({
	community: Funnel,
	organizations: v.array(v.strictObject({ id: v.string(), name: v.string(), funnel: Funnel }))
});

// ── Partner-organization staff ─────────────────────────────────────────────────────────────────────

/** What staff see of their own constituents: progress only, never an autobiography or a recording. */
export const ConstituentProgress = v.strictObject({
	firstName: v.string(),
	lastName: v.string(),
	email: v.nullable(v.string()),
	stage: v.picklist(FUNNEL_STAGES),
	needsNudge: v.nullable(v.picklist(NUDGES)),
	signedUpAt: v.string()
});
export type ConstituentProgress = v.InferOutput<typeof ConstituentProgress>;

export const PartnerDashboard = v.strictObject({
	organization: v.strictObject({ name: v.string(), inviteUrl: v.string() }),
	funnel: Funnel,
	people: v.array(ConstituentProgress)
});
export type PartnerDashboard = v.InferOutput<typeof PartnerDashboard>;

/** POST /api/conversations/:id/recorded: a participant pressed Stop after this much recording (issue #14). */
export const RecordingStopped = v.strictObject({
	durationMs: v.pipe(
		v.number(),
		v.integer(),
		v.minValue(1000, 'A recording shorter than a second is not a conversation.'),
		v.maxValue(6 * 3_600_000)
	)
});
export type RecordingStopped = v.InferOutput<typeof RecordingStopped>;
