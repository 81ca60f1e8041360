import { afterEach, describe, expect, it } from 'vitest';
import type { ClockFit } from '../../../src/lib/core/clock-fit.ts';
import type { Logger } from '../log.ts';
import { recordedConversation } from '../test/conversation.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';
import { liveUpload } from '../test/tus.ts';

/**
 * Issue #16: a live upload's PATCH says where the track's samples lie (its clock fit from every
 * segment so far), and the copy mixed during the call follows it. The route's part: parse it, and
 * hand it to the media jobs with the bytes.
 */
let t: TestApp;
afterEach(() => t.close());

async function liveShare(log?: Logger) {
	t = await createTestApp(log ? { log } : {});
	const grew: { uploadId: string; fit: ClockFit | undefined }[] = [];
	t.media.uploadGrew = (uploadId, fit) => void grew.push({ uploadId, fit });
	const { ana, conversation } = await recordedConversation(t);
	const upload = await liveUpload(t, ana.cookie, {
		conversationId: conversation.id,
		trackId: `rec1_${ana.userId}`,
		kind: 'share',
		startedAtServerMs: '1000000'
	});
	expect(upload.created.status).toBe(201);
	return { upload, grew, cookie: ana.cookie };
}

const patch = (location: string, cookie: string, offset: number, fit?: string) =>
	t.app.request(location, {
		method: 'PATCH',
		headers: {
			'tus-resumable': '1.0.0',
			cookie,
			'upload-offset': String(offset),
			'content-type': 'application/offset+octet-stream',
			...(fit === undefined ? {} : { 'clock-fit': fit })
		},
		body: new Uint8Array(100)
	});

describe('the clock fit a live PATCH carries', () => {
	it('reaches the copy’s mix with the bytes, as numbers', async () => {
		const { upload, grew, cookie } = await liveShare();
		expect((await patch(upload.location, cookie, 0, '1000004.250 47560.125000')).status).toBe(204);
		expect((await patch(upload.location, cookie, 100)).status).toBe(204);
		const id = upload.location.split('/').pop();
		expect(grew).toEqual([
			{ uploadId: id, fit: { startedAtServerMs: 1_000_004.25, samplesPerSecond: 47_560.125 } },
			{ uploadId: id, fit: undefined }
		]);
	});

	it('is left out, and logged, when malformed; the bytes are still taken', async () => {
		const warnings: string[] = [];
		const log: Logger = { info() {}, error() {}, warn: (message) => void warnings.push(message) };
		const { upload, grew, cookie } = await liveShare(log);
		for (const [k, fit] of ['soon', '1000000 0.5', '1000000 48000 3'].entries())
			expect((await patch(upload.location, cookie, k * 100, fit)).status).toBe(204);
		expect(grew.map((g) => g.fit)).toEqual([undefined, undefined, undefined]);
		expect(warnings.filter((w) => w.includes('malformed clock fit'))).toHaveLength(3);
	});
});
