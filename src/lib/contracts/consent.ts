import * as v from 'valibot';
import { noControlCharacters } from './text';
import type { ClockFit } from '../core/clock-fit';
import { CONSENT_KINDS } from '../core/consent';

/** One boundary, one schema (STYLE.md #3): consent, reflection and the after-the-conversation view. */

const isoTime = v.pipe(v.string(), v.isoTimestamp('A time must be an ISO-8601 timestamp.'));
const conversationId = v.pipe(v.string(), v.minLength(1), v.maxLength(100));
const line = (max: number, what: string, { multiline = false } = {}) =>
	v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, `Please write a ${what}.`),
		v.maxLength(max, `The ${what} is too long.`),
		noControlCharacters({ multiline })
	);

/** How long each part of the archive description may be: the form, the shared draft and the package agree. */
export const ARCHIVE_FIELD_LIMITS = {
	title: 120,
	summary: 1000,
	place: 120,
	keyword: 40,
	keywords: 12
} as const;

export const ArchiveFieldsSchema = v.strictObject({
	title: line(ARCHIVE_FIELD_LIMITS.title, 'title'),
	summary: line(ARCHIVE_FIELD_LIMITS.summary, 'short summary', { multiline: true }),
	keywords: v.pipe(
		v.array(
			v.pipe(
				v.string(),
				v.trim(),
				v.minLength(1),
				v.maxLength(ARCHIVE_FIELD_LIMITS.keyword, 'A keyword is too long.'),
				noControlCharacters()
			)
		),
		v.minLength(1, 'Please give at least one keyword.'),
		v.maxLength(
			ARCHIVE_FIELD_LIMITS.keywords,
			`Please give at most ${ARCHIVE_FIELD_LIMITS.keywords} keywords.`
		)
	),
	place: line(ARCHIVE_FIELD_LIMITS.place, 'place')
});
export type ArchiveFields = v.InferOutput<typeof ArchiveFieldsSchema>;

export const ConsentAnswerSchema = v.picklist(['yes', 'no', 'withdrawn']);

/**
 * One answer, saved on its own (issue #14). A yes to the archive may come without its description:
 * the title, summary, keywords and place are needed to produce the archive package, not to record
 * consent, so the person writes them after (a later yes that carries them).
 */
export const ConsentPayload = v.strictObject({
	conversationId,
	kind: v.picklist(CONSENT_KINDS),
	answer: ConsentAnswerSchema,
	textVersion: v.pipe(v.string(), v.minLength(1), v.maxLength(60)),
	language: v.picklist(['en', 'es']),
	decidedAt: isoTime,
	archiveFields: v.optional(v.nullable(ArchiveFieldsSchema))
});
export type ConsentPayload = v.InferOutput<typeof ConsentPayload>;

export const ReflectionPayload = v.strictObject({
	conversationId,
	/** The same 0–100 feeling thermometer as at sign-up. */
	thermometer: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100)),
	again: v.picklist(['yes', 'maybe', 'no'])
});
export type ReflectionPayload = v.InferOutput<typeof ReflectionPayload>;

export const ConsentResult = v.strictObject({
	kind: v.literal('consent'),
	conversationId: v.string(),
	recordedAt: v.string()
});
export const ReflectionResult = v.strictObject({
	kind: v.literal('reflection'),
	conversationId: v.string(),
	recordedAt: v.string()
});

const SharingView = v.strictObject({
	mine: v.nullable(ConsentAnswerSchema),
	partner: v.nullable(ConsentAnswerSchema),
	state: v.picklist(['allowed', 'waiting', 'declined', 'withdrawn'])
});
export type SharingView = v.InferOutput<typeof SharingView>;

export const TrackKind = v.picklist(['share', 'master']);
export type TrackKind = v.InferOutput<typeof TrackKind>;

export const ConfirmedTrack = v.strictObject({
	trackId: v.string(),
	kind: TrackKind,
	sha256: v.string(),
	bytes: v.number(),
	durationMs: v.number(),
	codec: v.string(),
	confirmedAt: v.string()
});
export type ConfirmedTrack = v.InferOutput<typeof ConfirmedTrack>;

/** GET /api/conversations/:id/after: what a participant sees after hanging up. */
/** A recorded conversation's archive package: whether it can be made, and what it holds (issue #14). */
export const ArchivePackageInfo = v.strictObject({
	readiness: v.picklist(['withheld', 'needs_description', 'waiting_for_recordings', 'ready']),
	files: v.array(
		v.strictObject({
			path: v.string(),
			kind: v.picklist(['voice', 'mix', 'pbcore', 'metadata', 'chapters', 'ohms', 'bag']),
			firstName: v.optional(v.string())
		})
	),
	downloadUrl: v.nullable(v.string())
});
export type ArchivePackageInfo = v.InferOutput<typeof ArchivePackageInfo>;

export const AfterView = v.strictObject({
	conversationId: v.string(),
	partnerFirstName: v.string(),
	copy: SharingView,
	archive: SharingView,
	/** This person's tracks the server has confirmed by checksum. */
	myTracks: v.array(ConfirmedTrack),
	copyStatus: v.picklist(['none', 'mixing', 'ready', 'failed']),
	/** Set only when the copy is ready and both consented to copies. */
	copyUrl: v.nullable(v.string()),
	reflected: v.boolean(),
	/** What the archive package holds; only coordinators download it (downloadUrl is null here). */
	archivePackage: v.optional(ArchivePackageInfo)
});
export type AfterView = v.InferOutput<typeof AfterView>;

/** What only the whole file can tell: sent at creation, or declared before the last bytes of an upload made during the call. */
const declaredEntries = {
	sha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'The checksum must be 64 hex digits.')),
	durationMs: v.pipe(v.string(), v.regex(/^\d+$/), v.transform(Number)),
	/** Server-synced time of sample 0 and the fitted sample rate: what the mixdown aligns by. */
	startedAtServerMs: v.pipe(v.string(), v.regex(/^\d+(\.\d+)?$/), v.transform(Number)),
	samplesPerSecond: v.pipe(v.string(), v.regex(/^\d+(\.\d+)?$/), v.transform(Number))
};
const trackEntries = {
	conversationId,
	trackId: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
	kind: TrackKind,
	filetype: v.optional(v.string()),
	filename: v.optional(v.string())
};

/** Metadata the client sends with a tus upload (Upload-Metadata), checked on creation and again on the last byte. */
export const UploadMetadata = v.strictObject({ ...trackEntries, ...declaredEntries });
/**
 * An upload started during the call, before the file is whole (tus `Upload-Defer-Length: 1`):
 * only the share track goes then; its checksum and duration are declared at the end.
 */
export const LiveUploadMetadata = v.strictObject({
	...trackEntries,
	kind: v.literal('share'),
	/** Where the track starts, from its first segments: the copy is mixed during the call from it (issue #16). */
	startedAtServerMs: v.optional(declaredEntries.startedAtServerMs)
});
/**
 * On each PATCH of a live upload: the track's clock fit from every segment recorded so far
 * (`<startedAtServerMs> <samplesPerSecond>`), so the copy mixed during the call follows the
 * recorder's true rate, which may be 1 % off nominal, instead of guessing it (issue #16).
 */
export const CLOCK_FIT_HEADER = 'clock-fit';
export const ClockFitHeader = v.pipe(
	v.string(),
	v.regex(/^\d+(\.\d+)? \d+(\.\d+)?$/, 'A clock fit is "<startedAtServerMs> <samplesPerSecond>".'),
	v.transform((text) => {
		const [startedAtServerMs, samplesPerSecond] = text.split(' ').map(Number) as [number, number];
		return { startedAtServerMs, samplesPerSecond };
	}),
	v.check(
		({ samplesPerSecond }) => samplesPerSecond >= 8_000 && samplesPerSecond <= 192_000,
		'A clock fit must have a sample rate between 8 and 192 kHz.'
	)
);
export const formatClockFit = ({ startedAtServerMs, samplesPerSecond }: ClockFit) =>
	`${startedAtServerMs.toFixed(3)} ${samplesPerSecond.toFixed(6)}`;

/** PUT /uploads/:id/declaration: the whole file's facts, before the last bytes of a live upload. */
export const UploadDeclaration = v.strictObject(declaredEntries);
export type UploadMetadata = v.InferOutput<typeof UploadMetadata>;

/** GET /api/conversations: "My conversations", first names only. */
export const MyConversation = v.strictObject({
	id: v.string(),
	partnerFirstName: v.string(),
	status: v.string(),
	scheduledStart: v.nullable(v.string())
});
export const MyConversations = v.array(MyConversation);
export type MyConversation = v.InferOutput<typeof MyConversation>;
