import * as v from 'valibot';
import { noControlCharacters } from './text';
import { Mutation } from './mutations';
import { TrackKind } from './consent';

/** POST /api/kiosks: staff create a kiosk and get its one-time enrollment code. */
export const NewKiosk = v.strictObject({
	label: v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, 'Name the kiosk, e.g. "Central Library, 2nd floor".'),
		v.maxLength(80),
		noControlCharacters()
	),
	partnerOrganizationId: v.optional(v.nullable(v.string()))
});
export type NewKiosk = v.InferOutput<typeof NewKiosk>;

export const KioskSummary = v.strictObject({
	id: v.string(),
	label: v.string(),
	organizationName: v.nullable(v.string()),
	status: v.picklist(['waiting', 'enrolled', 'revoked']),
	enrollmentExpiresAt: v.string(),
	enrolledAt: v.nullable(v.string()),
	/** Wrong personal codes typed at this kiosk in the last 15 minutes, all visitors together. */
	codeFailures: v.pipe(v.number(), v.integer(), v.minValue(0))
});
export type KioskSummary = v.InferOutput<typeof KioskSummary>;

/** GET /api/kiosks/organizations: who a kiosk may belong to – every partner for a coordinator, staff their own. */
export const KioskOrganizations = v.array(v.strictObject({ id: v.string(), name: v.string() }));
export type KioskOrganizations = v.InferOutput<typeof KioskOrganizations>;

export const CreatedKiosk = v.strictObject({ kiosk: KioskSummary, enrollmentCode: v.string() });
export type CreatedKiosk = v.InferOutput<typeof CreatedKiosk>;

/** POST /api/kiosk/enroll, from the device. */
export const KioskEnrollment = v.strictObject({
	code: v.pipe(
		v.string(),
		v.trim(),
		v.minLength(4, 'Enter the enrollment code from the console.'),
		v.maxLength(20)
	)
});

/** What an enrolled device knows about itself. Sent with its token; nothing personal. */
export const KioskDevice = v.strictObject({
	kioskId: v.string(),
	label: v.string(),
	organizationName: v.nullable(v.string()),
	/** Seconds without input before the "are you still there?" warning, and before the session ends. */
	idleWarningSeconds: v.number(),
	idleEndSeconds: v.number()
});
export type KioskDevice = v.InferOutput<typeof KioskDevice>;

export const EnrolledKiosk = v.strictObject({ token: v.string(), device: KioskDevice });

/**
 * Work a visitor left unconfirmed, sealed on the device: AES-256-GCM under a fresh key that is
 * wrapped with the server's RSA-OAEP public key and then forgotten, so the device cannot read it.
 */
export const SealedItem = v.strictObject({
	id: v.pipe(v.string(), v.uuid()),
	wrappedKey: v.pipe(v.string(), v.base64(), v.maxLength(2048)),
	iv: v.pipe(v.string(), v.base64(), v.maxLength(32)),
	ciphertext: v.pipe(v.string(), v.base64())
});
export type SealedItem = v.InferOutput<typeof SealedItem>;

export const KIOSK_TOKEN_HEADER = 'x-kiosk-token';
/**
 * With a personal code typed at a kiosk: the visitor's own random id, so one visitor's wrong codes
 * count against that visitor, not the next one (issue #13). A new one for every visitor.
 */
export const KIOSK_VISITOR_HEADER = 'x-kiosk-visitor';
/** Wrong codes a kiosk takes from all its visitors in 15 minutes; staff are told from two thirds on. */
export const KIOSK_CODE_CEILING = 30;

/**
 * POST /api/kiosk/visitor-grant (kiosk token + the visitor's session): proof, signed by the server,
 * that this visitor signed in on this kiosk. It travels inside sealed recordings, so the server files
 * them as the visitor's own track after the visitor's session has ended (issue #7).
 */
export const VisitorGrant = v.strictObject({
	userId: v.string(),
	grant: v.pipe(v.string(), v.minLength(20), v.maxLength(1000))
});
export type VisitorGrant = v.InferOutput<typeof VisitorGrant>;

/**
 * What a sealed outbox item holds: the visitor's change, and their grant when they were signed in
 * (a sign-up has none yet), so the server applies it as theirs after their session has ended.
 */
export const SealedMutation = v.strictObject({
	mutation: Mutation,
	grant: v.optional(VisitorGrant.entries.grant)
});
/** As the kiosk writes it (the server parses it, filling defaults). */
export type SealedMutation = v.InferInput<typeof SealedMutation>;

const sha256Hex = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'A checksum is 64 hex digits.'));

/**
 * What a sealed recording carries (issue #16): the encoded share track (Opus) and, when the visitor
 * agreed to the archive, the FLAC master, each made on the kiosk with the app's own encoder; or,
 * when encoding failed there, the raw 16-bit PCM (`pcm`), which the server encodes itself.
 */
export const SealedFileKind = v.picklist([...TrackKind.options, 'pcm']);
export type SealedFileKind = v.InferOutput<typeof SealedFileKind>;

/** One file in a sealed recording: the next `chunkCount` chunks, `bytes` long once opened and joined. */
export const SealedFile = v.strictObject({
	kind: SealedFileKind,
	chunkCount: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000)),
	bytes: v.pipe(v.number(), v.integer(), v.minValue(1)),
	/** SHA-256 of the file itself (not of its sealed chunks): the server confirms the track by it. */
	sha256: sha256Hex
});
export type SealedFile = v.InferOutput<typeof SealedFile>;

/**
 * The inside of a sealed recording (only the server reads it): who recorded it, the track, and the
 * files it holds, each cut into separately sealed chunks of at most KIOSK_CHUNK_BYTES, in order.
 */
export const SealedRecordingManifest = v.strictObject({
	type: v.literal('recording'),
	/** The grant is null when the kiosk never got one (the server then refuses the item, and it stays sealed). */
	visitor: v.strictObject({ userId: v.string(), grant: v.nullable(VisitorGrant.entries.grant) }),
	track: v.strictObject({
		id: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
		conversationId: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
		sampleRate: v.pipe(v.number(), v.integer(), v.minValue(8000), v.maxValue(96000)),
		sampleCount: v.pipe(v.number(), v.integer(), v.minValue(1)),
		/** From the clock fit over the segments' server times, as the tus upload sends it. */
		startedAtServerMs: v.number(),
		samplesPerSecond: v.number()
	}),
	/** Kinds the server has not confirmed yet when the kiosk sealed it. */
	wanted: v.array(TrackKind),
	chunkCount: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000)),
	/** In chunk order. Absent in items sealed before issue #16: then every chunk is raw PCM. */
	files: v.optional(v.pipe(v.array(SealedFile), v.minLength(1), v.maxLength(3)))
});
export type SealedRecordingManifest = v.InferOutput<typeof SealedRecordingManifest>;

/** POST /api/kiosk/recordings: the manifest (sealed like a mutation) once every chunk is on the server. */
export const SealedRecordingCommit = v.strictObject({
	manifest: SealedItem,
	chunkCount: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000)),
	/** SHA-256 over the chunks' own SHA-256s, in order: what the server must have received. */
	sha256: sha256Hex
});
export type SealedRecordingCommit = v.InferOutput<typeof SealedRecordingCommit>;

/** The server's answer: it holds every chunk (by checksum) and filed the track. */
export const SealedRecordingReceipt = v.strictObject({
	id: v.string(),
	sha256: sha256Hex,
	confirmed: v.array(v.strictObject({ kind: TrackKind, sha256: sha256Hex }))
});
export type SealedRecordingReceipt = v.InferOutput<typeof SealedRecordingReceipt>;

/** GET /kiosk-chunks/:itemId: which chunks the server already holds, so a resumed upload skips them. */
export const ReceivedChunks = v.strictObject({ received: v.array(v.number()) });

/** Sealed chunks go outside /api (its JSON body limit is small) to /kiosk-chunks/:itemId/:seq. */
export const KIOSK_CHUNKS_PATH = '/kiosk-chunks';
/** Plain bytes per sealed chunk at most: about 11 s of 48 kHz 16-bit mono, or 45 min of the share track. */
export const KIOSK_CHUNK_BYTES = 1024 * 1024;
/** SHA-256 of a chunk as sent, checked by the server before it keeps the chunk. */
export const CHUNK_SHA256_HEADER = 'x-chunk-sha256';
