import * as v from 'valibot';

/** POST /api/kiosks: staff create a kiosk and get its one-time enrollment code. */
export const NewKiosk = v.strictObject({
	label: v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, 'Name the kiosk, e.g. "Central Library, 2nd floor".'),
		v.maxLength(80)
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
	enrolledAt: v.nullable(v.string())
});
export type KioskSummary = v.InferOutput<typeof KioskSummary>;

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
