import { createHmac, timingSafeEqual } from 'node:crypto';

/** Long enough for a kiosk that is offline for a while to send a past visitor's recording. */
const GRANT_DAYS = 30;

type Claims = { u: string; k: string; e: number };

const mac = (secret: Buffer, body: string) => createHmac('sha256', secret).update(body).digest('base64url');

/**
 * A visitor grant (issue #7): "this person signed in on this kiosk", signed by the server. A sealed
 * recording carries it, so the server files the audio as the visitor's own track after their session
 * has ended, and a kiosk can't file audio for anyone who never signed in on it.
 */
export function issueGrant(
	secret: Buffer,
	{ userId, kioskId, now }: { userId: string; kioskId: string; now: Date }
) {
	const claims: Claims = { u: userId, k: kioskId, e: now.getTime() + GRANT_DAYS * 86_400_000 };
	const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
	return `${body}.${mac(secret, body)}`;
}

/** The visitor's user id if the grant is genuine, unexpired, and was issued on this kiosk. */
export function checkGrant(
	secret: Buffer,
	grant: string,
	{ kioskId, now }: { kioskId: string; now: Date }
): string | undefined {
	const [body = '', signature = ''] = grant.split('.');
	const expected = Buffer.from(mac(secret, body));
	const given = Buffer.from(signature);
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
	try {
		const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<Claims>;
		if (claims.k !== kioskId || typeof claims.u !== 'string' || (claims.e ?? 0) < now.getTime())
			return undefined;
		return claims.u;
	} catch {
		return undefined;
	}
}
