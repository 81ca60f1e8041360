import * as v from 'valibot';
import { KIOSK_TOKEN_HEADER, VisitorGrant } from '../contracts/kiosk';

/** Kept in sessionStorage: it goes with the rest of the visitor's traces at Finish. */
const KEY = 'cg-kiosk-visitor-grant';

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
	try {
		const res = await fetch('/api/kiosk/visitor-grant', {
			method: 'POST',
			headers: { 'content-type': 'application/json', [KIOSK_TOKEN_HEADER]: token },
			body: '{}'
		});
		if (!res.ok) return undefined;
		const grant = v.parse(VisitorGrant, await res.json());
		sessionStorage.setItem(KEY, JSON.stringify(grant));
		return grant;
	} catch {
		return undefined;
	}
}
