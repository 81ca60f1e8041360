import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTranscoder, type Transcoder } from '../media/ffmpeg.ts';
import { encode, tonePcm } from '../test/audio.ts';
import { recordedConversation } from '../test/conversation.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';
import { encodeMeta, liveUpload, shareMeta as meta, tusUpload } from '../test/tus.ts';
import { MAX_OPEN_UPLOADS } from './uploads.ts';

/** Issue #13: what the audit of /uploads found, each held by a test that fails without its fix. */
let t: TestApp;
let transcoder: Transcoder;
let shareA: Uint8Array;
let shareB: Uint8Array;

beforeAll(async () => {
	transcoder = createTranscoder();
	shareA = await encode(transcoder, tonePcm({ seconds: 6, hz: 220, beepsAt: [2] }), 'opus');
	shareB = await encode(transcoder, tonePcm({ seconds: 5, hz: 330, beepsAt: [1] }), 'opus');
}, 120_000);
afterAll(() => transcoder.close());
afterEach(() => t.close());

describe('/uploads guards', () => {
	it('acts only on the plain upload address, so no URL trick reaches another person’s upload (issue #13)', async () => {
		t = await createTestApp();
		const { ana, ben, conversation } = await recordedConversation(t);
		const theirs = await tusUpload(t, ana.cookie, shareA, meta(conversation.id, ana, shareA), { chunks: 1 });
		const mine = await liveUpload(t, ben.cookie, meta(conversation.id, ben, shareB));
		const theirsId = theirs.location!.split('/').pop()!;
		const mineId = mine.location!.split('/').pop()!;
		const tus = { 'tus-resumable': '1.0.0', cookie: ben.cookie };
		const tricks = [
			`/uploads/${mineId}?x=/${theirsId}`,
			`/uploads/${mineId}?/${theirsId}`,
			`/uploads/${mineId}%2F..%2F${theirsId}`,
			`/uploads/${theirsId}/`,
			`/uploads//${theirsId}`,
			`/uploads/${mineId}/${theirsId}`
		];
		for (const path of tricks) {
			for (const method of ['HEAD', 'PATCH', 'DELETE']) {
				const res = await t.app.request(path, {
					method,
					headers: { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
					body: method === 'PATCH' ? new Uint8Array([1, 2, 3]) : undefined
				});
				expect([403, 404], `${method} ${path}`).toContain(res.status);
			}
		}
		// Ana's upload is whole and still hers; Ben's is untouched too.
		const head = await t.app.request(theirs.location!, {
			method: 'HEAD',
			headers: { 'tus-resumable': '1.0.0', cookie: ana.cookie }
		});
		expect(head.status).toBe(200);
		expect(head.headers.get('upload-offset')).toBe(String(shareA.byteLength));
		expect((await t.app.request(mine.location!, { method: 'HEAD', headers: tus })).status).toBe(200);
	});

	it('takes a track only under its owner’s id, so nobody can block another person’s track (issue #13)', async () => {
		t = await createTestApp();
		const { ana, ben, conversation } = await recordedConversation(t);
		// Ben, Ana's partner, sends a file under Ana's track id first.
		const squat = await tusUpload(t, ben.cookie, shareB, {
			...meta(conversation.id, ben, shareB, { durationMs: '5000' }),
			trackId: `rec1_${ana.userId}`
		});
		expect(squat.created.status).toBe(403);
		expect(((await squat.created.json()) as { message: string }).message).toContain(
			'belongs to someone else'
		);
		const live = await t.app.request('/uploads', {
			method: 'POST',
			headers: {
				'tus-resumable': '1.0.0',
				cookie: ben.cookie,
				'upload-defer-length': '1',
				'upload-metadata': encodeMeta({
					conversationId: conversation.id,
					trackId: `rec1_${ana.userId}`,
					kind: 'share'
				})
			}
		});
		expect(live.status).toBe(403);
		// Ana's own track is confirmed as ever.
		const hers = await tusUpload(t, ana.cookie, shareA, meta(conversation.id, ana, shareA));
		expect(hers.last.status).toBe(204);
		const view = await t.request(`/api/conversations/${conversation.id}/after`, { cookie: ana.cookie });
		const mine = ((await view.json()) as { myTracks: { trackId: string; kind: string }[] }).myTracks;
		expect(mine).toContainEqual(expect.objectContaining({ trackId: `rec1_${ana.userId}`, kind: 'share' }));
	});

	it('caps the uploads one person may leave unfinished, and counts the finished ones out (issue #13)', async () => {
		t = await createTestApp();
		const { ana, conversation } = await recordedConversation(t);
		const done = await tusUpload(t, ana.cookie, shareA, meta(conversation.id, ana, shareA));
		expect(done.last.status).toBe(204);
		for (let i = 0; i < MAX_OPEN_UPLOADS; i++) {
			const open = await liveUpload(
				t,
				ana.cookie,
				meta(conversation.id, ana, shareB, { trackId: `r${i}_${ana.userId}` })
			);
			expect(open.created.status, `upload ${i + 1}`).toBe(201);
		}
		const over = await liveUpload(
			t,
			ana.cookie,
			meta(conversation.id, ana, shareB, { trackId: `over_${ana.userId}` })
		);
		expect(over.created.status).toBe(429);
		expect(((await over.created.json()) as { message: string }).message).toContain('not finished');
	});

	it('keeps a complete upload: nobody deletes it through tus, not even its owner', async () => {
		t = await createTestApp();
		const { ana, conversation } = await recordedConversation(t);
		const done = await tusUpload(t, ana.cookie, shareA, meta(conversation.id, ana, shareA));
		expect(done.last.status).toBe(204);
		const tus = { 'tus-resumable': '1.0.0', cookie: ana.cookie };
		const deleted = await t.app.request(done.location!, { method: 'DELETE', headers: tus });
		expect(deleted.status).toBe(409);
		expect(((await deleted.json()) as { code: string }).code).toBe('wrong_state');
		// Nor by calling it a PATCH and asking tus to treat it as a DELETE.
		await t.app.request(done.location!, {
			method: 'PATCH',
			headers: {
				...tus,
				'x-http-method-override': 'DELETE',
				'upload-offset': String(shareA.byteLength),
				'content-type': 'application/offset+octet-stream'
			},
			body: new Uint8Array()
		});
		const head = await t.app.request(done.location!, { method: 'HEAD', headers: tus });
		expect(head.status).toBe(200);
		expect(head.headers.get('upload-offset')).toBe(String(shareA.byteLength));
		// An upload still open may be ended by its owner (the app drops a dead tab's partial upload).
		const open = await liveUpload(
			t,
			ana.cookie,
			meta(conversation.id, ana, shareB, { trackId: `rec2_${ana.userId}` })
		);
		expect((await t.app.request(open.location!, { method: 'DELETE', headers: tus })).status).toBe(204);
	});

	it('answers tus errors with the app’s own body, never its internals, and logs the server’s failures (issue #13)', async () => {
		const logged: { message: string; data?: Record<string, unknown> }[] = [];
		const log = {
			info() {},
			warn() {},
			error: (message: string, data?: Record<string, unknown>) => void logged.push({ message, data })
		};
		t = await createTestApp({ log });
		const { ana, conversation } = await recordedConversation(t);
		const live = await liveUpload(t, ana.cookie, meta(conversation.id, ana, shareA));
		const tus = {
			'tus-resumable': '1.0.0',
			cookie: ana.cookie,
			'content-type': 'application/offset+octet-stream'
		};
		// A PATCH at the wrong offset: tus says so in plain text; the app says it in its own words.
		const wrongOffset = await t.app.request(live.location!, {
			method: 'PATCH',
			headers: { ...tus, 'upload-offset': '999' },
			body: new Uint8Array([1, 2, 3])
		});
		expect(wrongOffset.status).toBe(409);
		expect(wrongOffset.headers.get('content-type')).toContain('application/json');
		expect(await wrongOffset.json()).toMatchObject({ code: 'wrong_state', requestId: expect.any(String) });
		// The disk is full under tus (its file now leads to /dev/full): a 500 in the app's words, and logged.
		const id = live.location!.split('/').pop()!;
		rmSync(join(t.dataDir, 'uploads', id));
		symlinkSync('/dev/full', join(t.dataDir, 'uploads', id));
		const failed = await t.app.request(live.location!, {
			method: 'PATCH',
			headers: { ...tus, 'upload-offset': '0' },
			body: new Uint8Array([1, 2, 3])
		});
		expect(failed.status).toBe(500);
		const body = await failed.text();
		expect(JSON.parse(body)).toMatchObject({ code: 'internal' });
		expect(body).not.toMatch(/EISDIR|ENOSPC|errno|\/tmp|uploads\//);
		expect(logged.map((l) => l.message)).toContain('upload failed on the server');
		// The cause is in the log, for whoever runs the server.
		expect(logged.map((l) => l.message)).toContain('writing an upload failed');
		expect(logged.map((l) => String((l.data?.error as Error | undefined)?.message ?? '')).join()).toMatch(
			/ENOSPC|no space/i
		);
	});

	it('refuses a declaration larger than any the app sends, without reading it (issue #13)', async () => {
		t = await createTestApp();
		const { ana, conversation } = await recordedConversation(t);
		const live = await liveUpload(t, ana.cookie, meta(conversation.id, ana, shareA));
		const huge = JSON.stringify({ sha256: 'a'.repeat(8 * 1024 * 1024) });
		const res = await t.app.request(`${live.location}/declaration`, {
			method: 'PUT',
			headers: { cookie: ana.cookie, 'content-type': 'application/json', origin: 'http://localhost:8080' },
			body: huge
		});
		expect(res.status).toBe(413);
		expect(((await res.json()) as { code: string }).code).toBe('body_too_large');
	});
});
