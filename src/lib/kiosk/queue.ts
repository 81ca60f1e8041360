import { KIOSK_TOKEN_HEADER } from '../contracts/kiosk';
import type { KioskDb } from './device-db';
import { sendSealedRecording } from './send-recording';
import { signOutKioskVisitor } from './wipe';
import * as v from 'valibot';
import { api } from '../sync/api';

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
	for (const item of await kiosk.queue.orderBy('createdAt').toArray()) {
		if (item.kind === 'recording') {
			const outcome = await sendSealedRecording({ kiosk, token: device.token, item });
			if (outcome === 'sent') report.sent += 1;
			else if (outcome !== 'refused') {
				report[outcome] = true;
				break;
			}
			continue;
		}
		const { id, wrappedKey, iv, ciphertext } = item;
		const res = await api('/api/kiosk/queue', {
			method: 'POST',
			headers: { [KIOSK_TOKEN_HEADER]: device.token },
			body: { id, wrappedKey, iv, ciphertext },
			schema: v.unknown()
		});
		if (res.status === 0) {
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

/**
 * Chunks whose queue record was never written (the tab closed while sealing, so the visitor's data
 * was not wiped either). Run on page load only, never while a Finish may be sealing.
 */
export async function dropOrphanChunks(kiosk: KioskDb) {
	const items = new Set(await kiosk.queue.toCollection().primaryKeys());
	const orphans = (await kiosk.chunks.toCollection().primaryKeys()).filter(([itemId]) => !items.has(itemId));
	if (orphans.length > 0) await kiosk.chunks.bulkDelete(orphans);
}
