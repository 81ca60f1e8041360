import * as v from 'valibot';
import { KIOSK_TOKEN_HEADER, VisitorGrant } from '../contracts/kiosk';
import { api } from '../sync/api';

/** Kept in sessionStorage: it goes with the rest of the visitor's traces at Finish. */
const KEY = 'cg-kiosk-visitor-grant';
/** Set when this tab signed someone in (sign-in or sign-up); also in sessionStorage, wiped at Finish. */
const SIGNED_IN_KEY = 'cg-kiosk-visitor-signed-in';
/** At most one request per 15 s while a visitor is signed in and the kiosk has no grant yet. */
export const GRANT_RETRY_MS = 15_000;

/**
 * Notes that a visitor signed in on this tab, so the kiosk asks for their grant. The session cookie
 * is HttpOnly: without this the kiosk asked every 15 s while nobody was signed in, and got a 401
 * each time (issue #14).
 */
export function noteVisitorSignedIn(): void {
	try {
		sessionStorage.setItem(SIGNED_IN_KEY, '1');
	} catch {
		// No sessionStorage (a private window's quota): the kiosk just holds no grant.
	}
}

export function visitorSignedIn(): boolean {
	try {
		return sessionStorage.getItem(SIGNED_IN_KEY) === '1';
	} catch {
		return false;
	}
}

/** Whether to ask the server for a grant now. */
export function shouldAskForGrant(input: {
	signedIn: boolean;
	hasGrant: boolean;
	lastAskedAt: number;
	now: number;
}): boolean {
	return input.signedIn && !input.hasGrant && input.now - input.lastAskedAt >= GRANT_RETRY_MS;
}

export function storedVisitorGrant(): VisitorGrant | undefined {
	try {
		const parsed = v.safeParse(VisitorGrant, JSON.parse(sessionStorage.getItem(KEY) ?? 'null'));
		return parsed.success ? parsed.output : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Asks the server for the signed-in visitor's grant (issue #7), so a recording sealed later – even
 * offline – can be filed as theirs. Undefined when nobody is signed in or the server is unreachable.
 */
export async function fetchVisitorGrant(token: string): Promise<VisitorGrant | undefined> {
	const res = await api('/api/kiosk/visitor-grant', {
		method: 'POST',
		headers: { [KIOSK_TOKEN_HEADER]: token },
		body: {},
		schema: VisitorGrant
	});
	try {
		// The session ended (or a sign-up's cookie opened nothing): stop asking until the next sign-in.
		if (res.status === 401) sessionStorage.removeItem(SIGNED_IN_KEY);
		if (!res.ok) return undefined;
		sessionStorage.setItem(KEY, JSON.stringify(res.data));
		return res.data;
	} catch {
		// No sessionStorage: the grant holds for this page only.
		return res.ok ? res.data : undefined;
	}
}
