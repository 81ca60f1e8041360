import { KIOSK_TOKEN_HEADER } from '../contracts/kiosk';
import type { KioskDb } from './device-db';
import { signOutKioskVisitor } from './wipe';

export type QueueReport = { sent: number; left: number; offline: boolean; revoked: boolean };

/**
 * Sends past visitors' sealed work to the server, oldest first, and deletes each item only once the
 * server has applied it (2xx). Offline stops the round; a refused item stays, counted, for staff.
 */
export async function drainKioskQueue(kiosk: KioskDb): Promise<QueueReport> {
	const report: QueueReport = { sent: 0, left: 0, offline: false, revoked: false };
	const device = await kiosk.device.get('device');
	if (!device) return report;
	if (device.signOutPending) await signOutKioskVisitor(kiosk);
	for (const { id, wrappedKey, iv, ciphertext } of await kiosk.queue.orderBy('createdAt').toArray()) {
		let res: Response;
		try {
			res = await fetch('/api/kiosk/queue', {
				method: 'POST',
				headers: { 'content-type': 'application/json', [KIOSK_TOKEN_HEADER]: device.token },
				body: JSON.stringify({ id, wrappedKey, iv, ciphertext })
			});
		} catch {
			report.offline = true;
			break;
		}
		if (res.ok) {
			await kiosk.queue.delete(id);
			report.sent += 1;
		} else if (res.status === 401) {
			report.revoked = true;
			break;
		} else {
			await kiosk.queue.update(id, { attempts: ((await kiosk.queue.get(id))?.attempts ?? 0) + 1 });
		}
	}
	report.left = await kiosk.queue.count();
	return report;
}
