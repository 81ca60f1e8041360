import { KIOSK_TOKEN_HEADER, KIOSK_VISITOR_HEADER } from '../contracts/kiosk';
import { isEnrolledKiosk, kioskDb } from './device-db';

/**
 * On an enrolled kiosk, the device token, sent with a sign-up so the server credits it to the
 * kiosk's partner organization (issue #14). Elsewhere: nothing.
 */
export async function kioskDeviceHeaders(): Promise<Record<string, string>> {
	if (!(await isEnrolledKiosk())) return {};
	const device = await kioskDb().device.get('device');
	return device ? { [KIOSK_TOKEN_HEADER]: device.token } : {};
}

/** In sessionStorage, so it goes with the rest of the visitor's traces at Finish (kiosk/wipe.ts). */
const KEY = 'cg-kiosk-visitor';

/**
 * On an enrolled kiosk: the device token and this visitor's own random id, sent with a personal
 * code, so the server counts one visitor's wrong codes against that visitor and not the next one
 * (issue #13). Elsewhere: nothing.
 */
export async function kioskVisitorHeaders(): Promise<Record<string, string>> {
	if (!(await isEnrolledKiosk())) return {};
	const device = await kioskDb().device.get('device');
	if (!device) return {};
	let visitor = sessionStorage.getItem(KEY);
	if (!visitor) {
		visitor = crypto.randomUUID();
		sessionStorage.setItem(KEY, visitor);
	}
	return { [KIOSK_TOKEN_HEADER]: device.token, [KIOSK_VISITOR_HEADER]: visitor };
}
