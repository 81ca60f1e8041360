import { describe, expect, it } from 'vitest';
import type { TrackKind } from '../contracts/consent';
import { isGoodConnection, mayDeleteRecording, mustStayOpen, tracksToUpload } from './upload-plan';

const fast = { online: true, effectiveType: '4g', downlinkMbps: 10 };
const slow = { online: true, effectiveType: '3g', downlinkMbps: 0.7 };

describe('tracksToUpload', () => {
	it('sends the share track first, and nothing while offline', () => {
		const none = new Set<TrackKind>();
		expect(
			tracksToUpload({ archiveConsented: true, kiosk: false, connection: fast, confirmed: none })
		).toEqual(['share', 'master']);
		expect(
			tracksToUpload({ archiveConsented: true, kiosk: false, connection: { online: false }, confirmed: none })
		).toEqual([]);
	});

	it('holds the master back without archive consent, and on a slow link unless on a kiosk', () => {
		const shared = new Set(['share'] as const);
		expect(
			tracksToUpload({ archiveConsented: false, kiosk: false, connection: fast, confirmed: shared })
		).toEqual([]);
		expect(
			tracksToUpload({ archiveConsented: true, kiosk: false, connection: slow, confirmed: shared })
		).toEqual([]);
		expect(
			tracksToUpload({ archiveConsented: true, kiosk: true, connection: slow, confirmed: shared })
		).toEqual(['master']);
	});
});

describe('isGoodConnection', () => {
	it('needs 4G-class speed and no data saver', () => {
		expect(isGoodConnection(fast)).toBe(true);
		expect(isGoodConnection({ online: true })).toBe(true);
		expect(isGoodConnection({ online: true, downlinkMbps: 0.5 })).toBe(false);
		expect(isGoodConnection({ online: true, effectiveType: '4g', downlinkMbps: 1.45 })).toBe(true);
		expect(isGoodConnection(slow)).toBe(false);
		expect(isGoodConnection({ ...fast, saveData: true })).toBe(false);
	});
});

describe('mayDeleteRecording', () => {
	it('keeps the raw audio until everything that may be needed is confirmed', () => {
		expect(mayDeleteRecording({ confirmed: new Set(), archiveAnswer: 'no' })).toBe(false);
		expect(mayDeleteRecording({ confirmed: new Set(['share']), archiveAnswer: null })).toBe(false);
		expect(mayDeleteRecording({ confirmed: new Set(['share']), archiveAnswer: 'yes' })).toBe(false);
		expect(mayDeleteRecording({ confirmed: new Set(['share', 'master']), archiveAnswer: 'yes' })).toBe(true);
		expect(mayDeleteRecording({ confirmed: new Set(['share']), archiveAnswer: 'no' })).toBe(true);
	});
});

describe('mustStayOpen', () => {
	it('asks to stay only while encoding or uploading', () => {
		expect(mustStayOpen(['confirmed', 'waiting'])).toBe(false);
		expect(mustStayOpen(['confirmed', 'uploading'])).toBe(true);
		expect(mustStayOpen(['encoding'])).toBe(true);
	});
});
