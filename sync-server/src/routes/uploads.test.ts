import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONSENT_TEXT_VERSIONS, type ConsentKind } from '../../../src/lib/core/consent.ts';
import { createTranscoder, type Transcoder } from '../media/ffmpeg.ts';
import { encode, sha256Hex, tonePcm } from '../test/audio.ts';
import { recordedConversation, type Person } from '../test/conversation.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';
import { encodeMeta, liveUpload, tusUpload } from '../test/tus.ts';
import { MAX_OPEN_UPLOADS } from './uploads.ts';

let t: TestApp;
let transcoder: Transcoder;
let shareA: Uint8Array;
let shareB: Uint8Array;
let masterA: Uint8Array;

beforeAll(async () => {
	transcoder = createTranscoder();
	shareA = await encode(transcoder, tonePcm({ seconds: 6, hz: 220, beepsAt: [2] }), 'opus');
	shareB = await encode(transcoder, tonePcm({ seconds: 5, hz: 330, beepsAt: [1] }), 'opus');
	masterA = await encode(transcoder, tonePcm({ seconds: 6, hz: 220 }), 'flac');
}, 120_000);
afterAll(() => transcoder.close());
afterEach(() => t.close());

function meta(conversationId: string, who: Person, bytes: Uint8Array, over: Record<string, string> = {}) {
	return {
		conversationId,
		trackId: `rec1_${who.userId}`,
		kind: 'share',
		sha256: sha256Hex(bytes),
		durationMs: '6000',
		startedAtServerMs: '1762095600000',
		samplesPerSecond: '48000',
		...over
	};
}

async function consent(
	t: TestApp,
	who: Person,
	conversationId: string,
	kind: ConsentKind,
	answer: 'yes' | 'no' | 'withdrawn'
) {
	const payload = {
		conversationId,
		kind,
		answer,
		textVersion: CONSENT_TEXT_VERSIONS[kind],
		language: 'en',
		decidedAt: t.clock().toISOString(),
		archiveFields:
			kind === 'archive' && answer === 'yes'
				? {
						title: 'Two neighbours',
						summary: 'About schools.',
						keywords: ['schools'],
						place: 'Birmingham, AL'
					}
				: null
	};
	const res = await t.request('/api/mutations', {
		body: { id: crypto.randomUUID(), type: 'consent', payload },
		cookie: who.cookie
	});
	expect(res.status).toBe(201);
}

describe('tus uploads', () => {
	it('accepts a participant’s share track in pieces, verifies it and lists it as confirmed', async () => {
		t = await createTestApp();
		const { ana, conversation } = await recordedConversation(t);
		const { last } = await tusUpload(t, ana.cookie, shareA, meta(conversation.id, ana, shareA), {
			chunks: 3
		});
		expect(last.status).toBe(204);
		expect(last.headers.get('upload-checksum-sha256')).toBe(sha256Hex(shareA));
		const after = (await (
			await t.request(`/api/conversations/${conversation.id}/after`, { cookie: ana.cookie })
		).json()) as {
			myTracks: { kind: string; sha256: string; codec: string; durationMs: number }[];
		};
		expect(after.myTracks).toEqual([
			expect.objectContaining({ kind: 'share', sha256: sha256Hex(shareA), codec: 'opus' })
		]);
		expect(Math.abs((after.myTracks[0]?.durationMs ?? 0) - 6000)).toBeLessThan(100);
	});

	it('refuses a file whose checksum does not match, and one that is not audio', async () => {
		t = await createTestApp();
		const { ana, conversation } = await recordedConversation(t);
		const wrongSum = await tusUpload(
			t,
			ana.cookie,
			shareA,
			meta(conversation.id, ana, shareA, { sha256: 'a'.repeat(64) })
		);
		expect(wrongSum.last.status).toBe(460);
		const noise = new Uint8Array(50_000).map((_, i) => (i * 7) % 251);
		const notAudio = await tusUpload(t, ana.cookie, noise, meta(conversation.id, ana, noise));
		expect(notAudio.last.status).toBe(422);
		expect(await t.store.trackFiles.listForConversation(conversation.id)).toEqual([]);
	});

	it('lets nobody but the owner touch an upload, and never serves audio from /uploads', async () => {
		t = await createTestApp();
		const { ana, ben, eve, conversation } = await recordedConversation(t);
		const stranger = await tusUpload(t, eve.cookie, shareA, meta(conversation.id, eve, shareA));
		expect(stranger.created.status).toBe(403);
		const half = await tusUpload(t, ana.cookie, shareA, meta(conversation.id, ana, shareA), { chunks: 1 });
		const location = half.location ?? '';
		for (const who of [ben, eve]) {
			const head = await t.app.request(location, {
				method: 'HEAD',
				headers: { 'tus-resumable': '1.0.0', cookie: who.cookie }
			});
			expect(head.status).toBe(403);
		}
		for (const who of [ana, ben, eve])
			expect((await t.request(location, { cookie: who.cookie })).status).toBe(403);
		expect((await t.request(location)).status).toBe(401);
	});

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

	it('takes the FLAC master only after its owner agreed to the archive', async () => {
		t = await createTestApp();
		const { ana, conversation } = await recordedConversation(t);
		const m = meta(conversation.id, ana, masterA, { kind: 'master' });
		expect((await tusUpload(t, ana.cookie, masterA, m)).created.status).toBe(403);
		await consent(t, ana, conversation.id, 'archive', 'yes');
		expect((await tusUpload(t, ana.cookie, masterA, m)).last.status).toBe(204);
	});
});

describe('uploads made during the call (length and checksum declared at the end)', () => {
	const declaration = (bytes: Uint8Array, over: Record<string, string> = {}) => ({
		sha256: sha256Hex(bytes),
		durationMs: '6000',
		startedAtServerMs: '1762095600000',
		samplesPerSecond: '48000',
		...over
	});
	const start = (conversationId: string, who: Person) => ({
		conversationId,
		trackId: `rec1_${who.userId}`,
		kind: 'share'
	});

	it('takes the share track in pieces before its length is known, then checks the whole file once declared', async () => {
		t = await createTestApp();
		const { ana, conversation } = await recordedConversation(t);
		const live = await liveUpload(t, ana.cookie, start(conversation.id, ana));
		expect(live.created.status).toBe(201);
		const third = Math.floor(shareA.byteLength / 3);
		expect((await live.patch(shareA.slice(0, third))).status).toBe(204);
		expect((await live.patch(shareA.slice(third, 2 * third))).status).toBe(204);
		// Nothing is confirmed while the length is open.
		expect(await t.store.trackFiles.listForConversation(conversation.id)).toEqual([]);
		const put = await t.request(`${live.location}/declaration`, {
			method: 'PUT',
			body: declaration(shareA),
			cookie: ana.cookie
		});
		expect(put.status).toBe(204);
		const last = await live.patch(shareA.slice(2 * third), { last: true });
		expect(last.status).toBe(204);
		expect(last.headers.get('upload-checksum-sha256')).toBe(sha256Hex(shareA));
		const [file] = await t.store.trackFiles.listForConversation(conversation.id);
		expect(file).toMatchObject({
			kind: 'share',
			sha256: sha256Hex(shareA),
			codec: 'opus',
			bytes: shareA.byteLength
		});
		// Complete now: a second declaration is refused.
		const again = await t.request(`${live.location}/declaration`, {
			method: 'PUT',
			body: declaration(shareA),
			cookie: ana.cookie
		});
		expect(again.status).toBe(409);
	});

	it('refuses the last piece when the whole file was never declared, or differs from what was declared', async () => {
		t = await createTestApp();
		const { ana, conversation } = await recordedConversation(t);
		const undeclared = await liveUpload(t, ana.cookie, start(conversation.id, ana));
		expect((await undeclared.patch(shareA, { last: true })).status).toBe(422);
		const changed = await liveUpload(t, ana.cookie, start(conversation.id, ana));
		await t.request(`${changed.location}/declaration`, {
			method: 'PUT',
			body: declaration(shareA, { sha256: 'b'.repeat(64) }),
			cookie: ana.cookie
		});
		expect((await changed.patch(shareA, { last: true })).status).toBe(460);
		expect(await t.store.trackFiles.listForConversation(conversation.id)).toEqual([]);
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

	it('lets only the owner declare, only for an upload made without a length, and never a master', async () => {
		t = await createTestApp();
		const { ana, ben, eve, conversation } = await recordedConversation(t);
		const live = await liveUpload(t, ana.cookie, start(conversation.id, ana));
		for (const [who, status] of [
			[ben, 403],
			[eve, 403]
		] as const) {
			const res = await t.request(`${live.location}/declaration`, {
				method: 'PUT',
				body: declaration(shareA),
				cookie: who.cookie
			});
			expect(res.status).toBe(status);
		}
		expect(
			(await t.request(`${live.location}/declaration`, { method: 'PUT', body: declaration(shareA) })).status
		).toBe(401);
		expect((await live.patch(shareA.slice(0, 100), { as: ben.cookie })).status).toBe(403);
		const bad = await t.request(`${live.location}/declaration`, {
			method: 'PUT',
			body: { ...declaration(shareA), sha256: 'not hex' },
			cookie: ana.cookie
		});
		expect(bad.status).toBe(400);
		// An upload that said everything at its start has nothing to declare.
		const whole = await tusUpload(t, ana.cookie, shareA, meta(conversation.id, ana, shareA), { chunks: 1 });
		const sized = await t.app.request('/uploads', {
			method: 'POST',
			headers: {
				'tus-resumable': '1.0.0',
				cookie: ana.cookie,
				'upload-length': String(shareA.byteLength),
				'upload-metadata': encodeMeta(meta(conversation.id, ana, shareA))
			}
		});
		const sizedAt = new URL(sized.headers.get('location') ?? '', 'http://x').pathname;
		expect(
			(
				await t.request(`${sizedAt}/declaration`, {
					method: 'PUT',
					body: declaration(shareA),
					cookie: ana.cookie
				})
			).status
		).toBe(409);
		expect(whole.last.status).toBe(204);
		// A stranger can't start one; and the lossless master never goes during the call.
		expect((await liveUpload(t, eve.cookie, start(conversation.id, eve))).created.status).toBe(403);
		const master = await liveUpload(t, ana.cookie, { ...start(conversation.id, ana), kind: 'master' });
		expect(master.created.status).toBe(400);
		expect(
			(
				await t.request('/uploads/nope/declaration', {
					method: 'PUT',
					body: declaration(shareA),
					cookie: ana.cookie
				})
			).status
		).toBe(404);
	});
});

describe('the copy', () => {
	it('is mixed once both tracks arrive, served only to the two after both agree, and stops at once on withdrawal', async () => {
		t = await createTestApp();
		const { ana, ben, eve, coordinator, conversation } = await recordedConversation(t);
		const id = conversation.id;
		await tusUpload(t, ana.cookie, shareA, meta(id, ana, shareA, { startedAtServerMs: '1000000' }));
		await tusUpload(
			t,
			ben.cookie,
			shareB,
			meta(id, ben, shareB, { startedAtServerMs: '1001000', durationMs: '5000' })
		);
		await t.media.idle();
		const copyUrl = `/api/conversations/${id}/copy`;
		expect((await t.request(copyUrl, { cookie: ana.cookie })).status).toBe(403);

		await consent(t, ana, id, 'copy', 'yes');
		await consent(t, ben, id, 'copy', 'yes');
		await t.media.idle();
		const copy = await t.request(copyUrl, { cookie: ben.cookie });
		expect(copy.status).toBe(200);
		expect(copy.headers.get('content-type')).toBe('audio/ogg');
		expect(new TextDecoder().decode((await copy.arrayBuffer()).slice(0, 4))).toBe('OggS');
		const stored = await t.store.copies.find(id);
		// A starts at 1000 s and lasts 6 s; B starts 1 s later and lasts 5 s: the copy spans 6 s.
		expect(Math.abs((stored?.durationMs ?? 0) - 6000)).toBeLessThan(100);
		const mail = await t.store.mail.list({ limit: 10 });
		expect(
			mail
				.filter((m) => m.subject.includes('ready'))
				.map((m) => m.to)
				.sort()
		).toEqual([ana.email, ben.email].sort());

		for (const who of [eve, coordinator])
			expect((await t.request(copyUrl, { cookie: who.cookie })).status).toBe(403);
		expect((await t.request(copyUrl)).status).toBe(401);

		await consent(t, ben, id, 'copy', 'withdrawn');
		expect((await t.request(copyUrl, { cookie: ana.cookie })).status).toBe(403);
		expect((await t.request(copyUrl, { cookie: ben.cookie })).status).toBe(403);
		const after = (await (
			await t.request(`/api/conversations/${id}/after`, { cookie: ana.cookie })
		).json()) as {
			copy: { state: string; partner: string };
			copyUrl: string | null;
		};
		expect(after).toMatchObject({ copy: { state: 'withdrawn', partner: 'withdrawn' }, copyUrl: null });
	}, 120_000);
});
