import { generatePersonalCode, normalizePersonalCode } from '../auth/personal-code.ts';
import type { RateLimiter } from '../auth/rate-limit.ts';
import { randomToken, sha256 } from '../auth/tokens.ts';
import { addMinutes } from '../clock.ts';
import type { Env } from '../env.ts';
import { accept, reject, type Outcome } from '../outcome.ts';
import type { KioskRecord, Repos, Store } from '../store/types.ts';
import type { KioskDevice } from '../../../src/lib/contracts/kiosk.ts';

/** An enrollment code is typed on the kiosk by staff standing next to it: a day is plenty. */
const ENROLLMENT_TTL_MINUTES = 24 * 60;

/** Enrollment codes look like personal codes (Crockford base32, "K7QM-4XTR") and are typed the same way. */
const codeHash = (code: string) => sha256(`kiosk-enrollment:${normalizePersonalCode(code) ?? code}`);

export async function createKiosk(
	repos: Repos,
	input: { label: string; partnerOrganizationId: string | null; createdBy: string; now: Date }
): Promise<{ kiosk: KioskRecord; enrollmentCode: string }> {
	const enrollmentCode = generatePersonalCode();
	const kiosk = await repos.kiosks.create({
		...input,
		enrollmentCodeHash: codeHash(enrollmentCode),
		enrollmentExpiresAt: addMinutes(input.now, ENROLLMENT_TTL_MINUTES)
	});
	return { kiosk, enrollmentCode };
}

/**
 * Turns a one-time code into a device token. Wrong codes are limited like personal codes: five per
 * address, and five per code, in 15 minutes (issue #13: they could be guessed without limit).
 */
export async function enrollKiosk(
	{ store, limiter }: { store: Store; limiter: RateLimiter },
	{ code, now, clientAddress }: { code: string; now: Date; clientAddress: string }
): Promise<Outcome<{ token: string; kiosk: KioskRecord }>> {
	const keys = [
		`address:${clientAddress}`,
		`code:${normalizePersonalCode(code) ?? code.trim().toUpperCase()}`
	];
	for (const key of keys) {
		const decision = await limiter.check(key);
		if (!decision.allowed) {
			const minutes = Math.max(1, Math.ceil(decision.retryAfterSeconds / 60));
			return reject({
				code: 'rate_limited',
				message: `Too many enrollment codes were tried. Wait ${minutes === 1 ? 'a minute' : `${minutes} minutes`}, then type the code again, or create a new one in the console.`,
				retryAfterSeconds: decision.retryAfterSeconds
			});
		}
	}
	const token = randomToken();
	const kiosk = await store.transaction((repos) =>
		repos.kiosks.enroll({ enrollmentCodeHash: codeHash(code), tokenHash: sha256(token), now })
	);
	if (!kiosk) {
		await Promise.all(keys.map((key) => limiter.recordFailure(key)));
		return reject({
			code: 'kiosk_code_invalid',
			message:
				'This enrollment code is not valid: it may be mistyped, already used, expired or revoked. Create a new one in the console.',
			fields: { code: 'Check the code, or create a new one in the console.' }
		});
	}
	return accept({ token, kiosk });
}

export function deviceInfo(kiosk: KioskRecord, env: Env): KioskDevice {
	return {
		kioskId: kiosk.id,
		label: kiosk.label,
		organizationName: kiosk.organizationName,
		idleWarningSeconds: env.kioskIdle.warningSeconds,
		idleEndSeconds: env.kioskIdle.endSeconds
	};
}

export const kioskTokenHash = (token: string) => sha256(token);

/** The enrolled kiosk a device token belongs to; undefined for no token, an unknown one, or a revoked kiosk. */
export async function enrolledKioskOf(
	store: Pick<Repos, 'kiosks'>,
	token: string | undefined
): Promise<KioskRecord | undefined> {
	const kiosk = token ? await store.kiosks.findByToken(kioskTokenHash(token)) : undefined;
	return kiosk?.status === 'enrolled' ? kiosk : undefined;
}
