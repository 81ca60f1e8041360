import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { isEnrolledKiosk, KIOSK_DB_NAME, kioskDb } from './device-db';

// In order: the first finds no kiosk database; the second makes one. The upload runner asks this
// each round: on a kiosk the master goes at once (issue #7, core/upload-plan).
describe('isEnrolledKiosk', () => {
	it('is false on an ordinary device, and does not create the kiosk database to find out', async () => {
		expect(await isEnrolledKiosk()).toBe(false);
		expect((await indexedDB.databases()).map((d) => d.name)).not.toContain(KIOSK_DB_NAME);
	});

	it('is true once the device holds an enrollment, and false again after it is removed', async () => {
		await kioskDb().device.put({
			key: 'device',
			token: 't',
			sealingKey: {},
			device: {
				kioskId: 'k',
				label: 'Library',
				organizationName: null,
				idleWarningSeconds: 90,
				idleEndSeconds: 120
			}
		});
		expect(await isEnrolledKiosk()).toBe(true);
		await kioskDb().device.delete('device');
		expect(await isEnrolledKiosk()).toBe(false);
	});
});
