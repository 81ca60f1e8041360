import { afterEach, describe, expect, it } from 'vitest';
import { encode, sha256Hex, tonePcm } from '../test/audio.ts';
import { recordedConversation } from '../test/conversation.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';
import { createTranscoder } from '../media/ffmpeg.ts';
import { encodeMeta, liveUpload } from '../test/tus.ts';
import { ABANDONED_AFTER_MS, sweepAbandonedUploads } from './sweep.ts';

let t: TestApp;
afterEach(() => t.close());

describe('abandoned uploads from calls', () => {
	it('removes an upload begun during a call and left open for 30 days, and nothing else', async () => {
		t = await createTestApp();
		const transcoder = createTranscoder();
		const share = await encode(transcoder, tonePcm({ seconds: 2, hz: 220 }), 'opus');
		await transcoder.close();
		const { ana, ben, conversation } = await recordedConversation(t);
		const open = await liveUpload(t, ana.cookie, {
			conversationId: conversation.id,
			trackId: `rec1_${ana.userId}`,
			kind: 'share'
		});
		expect((await open.patch(share.slice(0, 500))).status).toBe(204);
		// Ben's file, made with a length and not sent yet: it may resume whenever Ben is back.
		const sized = await t.app.request('/uploads', {
			method: 'POST',
			headers: {
				'tus-resumable': '1.0.0',
				cookie: ben.cookie,
				'upload-length': String(share.byteLength),
				'upload-metadata': encodeMeta({
					conversationId: conversation.id,
					trackId: `rec1_${ben.userId}`,
					kind: 'share',
					sha256: sha256Hex(share),
					durationMs: '2000',
					startedAtServerMs: '1',
					samplesPerSecond: '48000'
				})
			}
		});
		expect(sized.status).toBe(201);
		const sizedAt = new URL(sized.headers.get('location') ?? '', 'http://x').pathname;
		const head = (location: string, cookie: string) =>
			t.app.request(location, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', cookie } });

		expect(await sweepAbandonedUploads(t.dataDir)).toEqual([]);
		expect(await sweepAbandonedUploads(t.dataDir, Date.now() + ABANDONED_AFTER_MS - 60_000)).toEqual([]);
		const removed = await sweepAbandonedUploads(t.dataDir, Date.now() + ABANDONED_AFTER_MS + 60_000);
		expect(removed).toEqual([open.location.split('/').pop()]);
		expect((await head(open.location, ana.cookie)).status).toBe(404);
		expect((await head(sizedAt, ben.cookie)).status).toBe(200);
	}, 60_000);
});
