import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONSENT_TEXT_VERSIONS, type ConsentKind } from '../../../src/lib/core/consent.ts';
import { createTranscoder, type Transcoder } from '../media/ffmpeg.ts';
import { encode, sha256Hex, tonePcm } from '../test/audio.ts';
import { recordedConversation, type Person } from '../test/conversation.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';
import { encodeMeta, liveUpload, shareMeta as meta, tusUpload } from '../test/tus.ts';

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
