import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as v from 'valibot';
import {
	CreatedKiosk,
	EnrolledKiosk,
	KIOSK_CHUNK_BYTES,
	KIOSK_TOKEN_HEADER,
	VisitorGrant
} from '../../../src/lib/contracts/kiosk.ts';
import { openDb, type CommonGroundDb } from '../../../src/lib/db/db.ts';
import { appendSegment, createTrack, updateTrack } from '../../../src/lib/db/recordings.ts';
import { openKioskDb, type KioskDb } from '../../../src/lib/kiosk/device-db.ts';
import { CONSENT_TEXT_VERSIONS } from '../../../src/lib/core/consent.ts';
import { ENCODER_SETTINGS, ffmpegEncodeArgs, PCM_INPUT } from '../../../src/lib/core/encoder-settings.ts';
import { drainKioskQueue, dropOrphanChunks } from '../../../src/lib/kiosk/queue.ts';
import { sealRecordings, type SealEncoder } from '../../../src/lib/kiosk/seal-recording.ts';
import { createTranscoder, type Transcoder } from '../media/ffmpeg.ts';
import { recordedConversation, type Person } from '../test/conversation.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';
import { silentLogger } from '../log.ts';
import { tonePcm } from '../test/audio.ts';
import { confirmTrack } from '../uploads/confirm.ts';
import { UPLOADS_DIR } from '../uploads/paths.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * The kiosk's encoder in Node: system ffmpeg (or its wasm core) with the app's one table of encoder
 * settings, the same command line ffmpeg.wasm runs in the browser. What it made is kept by kind.
 */
let transcoder: Transcoder;
beforeAll(() => {
	transcoder = createTranscoder();
});
afterAll(() => transcoder.close());
function nodeEncoder() {
	const made = new Map<string, Uint8Array>();
	const encode: SealEncoder = async ({ pcm, sampleRate, kind }) => {
		const { file } = ENCODER_SETTINGS[kind];
		const { [file]: out } = await transcoder.run(ffmpegEncodeArgs(kind, sampleRate), { [PCM_INPUT]: pcm }, [
			file
		]);
		if (!out) throw new Error('no file');
		made.set(kind, out);
		return out;
	};
	return { encode, made };
}
const failing: SealEncoder = () => Promise.reject(new Error('the encoder could not load'));

let t: TestApp;
let appDb: CommonGroundDb;
let kiosk: KioskDb;
const realFetch = globalThis.fetch;
afterEach(async () => {
	globalThis.fetch = realFetch;
	appDb.close();
	kiosk.close();
	indexedDB.deleteDatabase(appDb.name);
	indexedDB.deleteDatabase(kiosk.name);
	await t.close();
});

/** The browser's relative fetches, answered by the app in this process. */
function routeFetchToApp(app: TestApp) {
	globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) =>
		app.app.request(String(input), init)) as typeof fetch;
}

async function enrolledKiosk(coordinator: string) {
	const created = v.parse(
		CreatedKiosk,
		await (await t.request('/api/kiosks', { body: { label: 'Library' }, cookie: coordinator })).json()
	);
	const enrolled = v.parse(
		EnrolledKiosk,
		await (await t.request('/api/kiosk/enroll', { body: { code: created.enrollmentCode } })).json()
	);
	const sealingKey = (await (await t.request('/api/kiosk/sealing-key')).json()) as JsonWebKey;
	return { token: enrolled.token, device: enrolled.device, sealingKey };
}

async function grantFor(token: string, visitor: Person) {
	const res = await t.request('/api/kiosk/visitor-grant', {
		body: {},
		cookie: visitor.cookie,
		headers: { [KIOSK_TOKEN_HEADER]: token }
	});
	expect(res.status).toBe(200);
	return v.parse(VisitorGrant, await res.json());
}

/** 12 s of a 220 Hz hum (more than one 1 MiB chunk), recorded through the app's own recording module in half-second segments. */
async function recordTrack(
	db: CommonGroundDb,
	{ conversationId, userId }: { conversationId: string; userId: string }
) {
	const rate = 48_000;
	const track = await createTrack(db, {
		id: `rec-1_${userId}`,
		recordingId: 'rec-1',
		conversationId,
		userId,
		sampleRate: rate,
		startedAtServerMs: 1_700_000_000_000,
		clock: { offsetMs: 0, uncertaintyMs: 5 }
	});
	for (let seg = 0; seg < 24; seg++) {
		const samples = Int16Array.from({ length: rate / 2 }, (_, i) =>
			Math.round(8000 * Math.sin((2 * Math.PI * 220 * (seg * (rate / 2) + i)) / rate))
		);
		await appendSegment(db, track.id, {
			startSample: seg * (rate / 2),
			samples,
			serverTimeMs: 1_700_000_000_000 + seg * 500
		});
	}
	await updateTrack(db, track.id, (tr) => (tr.status = 'finished'));
	return track.id;
}

async function setUp() {
	t = await createTestApp();
	const people = await recordedConversation(t);
	const device = await enrolledKiosk(people.coordinator.cookie);
	appDb = openDb(`app-${crypto.randomUUID()}`);
	kiosk = openKioskDb();
	await kiosk.device.put({
		key: 'device',
		token: device.token,
		device: device.device,
		sealingKey: device.sealingKey
	});
	return { ...people, device };
}

describe('a recording sealed into the kiosk queue', { timeout: 60_000 }, () => {
	it('is unreadable on the device, and once sent is filed as the visitor’s own share track, then leaves the queue (raw, when the kiosk could not encode)', async () => {
		const { ana, conversation, device } = await setUp();
		const trackId = await recordTrack(appDb, { conversationId: conversation.id, userId: ana.userId });
		const visitor = await grantFor(device.token, ana);

		const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
		const sealed = await sealRecordings({
			appDb,
			kiosk,
			serverPublicJwk: device.sealingKey,
			visitor,
			encode: failing
		});
		warn.mockRestore();
		expect(sealed).toBe(1);
		// The encoder failed: the raw PCM (1.15 MB) is sealed instead, in two chunks, and the server encodes it.
		const chunks = await kiosk.chunks.toArray();
		expect(chunks.length).toBe(2);
		for (const chunk of chunks) expect(chunk.sealed.byteLength).toBeLessThanOrEqual(KIOSK_CHUNK_BYTES + 28);
		const plainSegment = new Uint8Array((await appDb.segments.get([trackId, 1]))?.pcm ?? new ArrayBuffer(0));
		const stored = new Uint8Array(chunks[0]?.sealed ?? new ArrayBuffer(0));
		expect(Buffer.from(stored).includes(Buffer.from(plainSegment.subarray(0, 64)))).toBe(false);

		routeFetchToApp(t);
		const report = await drainKioskQueue(kiosk);
		expect(report).toMatchObject({ sent: 1, left: 0 });
		expect(await kiosk.chunks.count()).toBe(0);
		const files = await t.store.trackFiles.listForConversation(conversation.id);
		// No archive consent: the share track only, as the visitor's, never the kiosk's.
		expect(files.map((f) => [f.userId, f.trackId, f.kind, f.codec])).toEqual([
			[ana.userId, trackId, 'share', 'opus']
		]);
		expect(files[0]?.durationMs).toBeGreaterThan(11_500);
	});

	it('is refused for a stranger to the conversation, or with a grant from another kiosk, and stays queued', async () => {
		const { ana, eve, conversation, device, coordinator } = await setUp();
		await recordTrack(appDb, { conversationId: conversation.id, userId: eve.userId });
		await sealRecordings({
			appDb,
			kiosk,
			serverPublicJwk: device.sealingKey,
			visitor: await grantFor(device.token, eve),
			encode: nodeEncoder().encode,
			archiveAnswer: async () => null
		});
		const other = await enrolledKiosk(coordinator.cookie);
		await appDb.tracks.clear();
		await recordTrack(appDb, { conversationId: conversation.id, userId: ana.userId });
		await sealRecordings({
			appDb,
			kiosk,
			serverPublicJwk: device.sealingKey,
			visitor: await grantFor(other.token, ana),
			encode: nodeEncoder().encode,
			archiveAnswer: async () => null
		});

		routeFetchToApp(t);
		const report = await drainKioskQueue(kiosk);
		expect(report).toMatchObject({ sent: 0, left: 2 });
		expect((await kiosk.queue.toArray()).map((q) => q.attempts)).toEqual([1, 1]);
		expect(await t.store.trackFiles.listForConversation(conversation.id)).toEqual([]);
	});

	it('is sealed encoded (Opus, no master without a yes) and filed through confirmTrack bit for bit as the kiosk made it', async () => {
		const { ana, conversation, device } = await setUp();
		const trackId = await recordTrack(appDb, { conversationId: conversation.id, userId: ana.userId });
		const { encode, made } = nodeEncoder();
		const told = vi.spyOn(t.media, 'trackConfirmed');
		await sealRecordings({
			appDb,
			kiosk,
			serverPublicJwk: device.sealingKey,
			visitor: await grantFor(device.token, ana),
			encode,
			archiveAnswer: async () => null
		});
		expect([...made.keys()]).toEqual(['share']);
		const chunks = await kiosk.chunks.toArray();
		const sealedBytes = chunks.reduce((sum, c) => sum + c.sealed.byteLength, 0);
		// 12 s: about 36 KB of Opus against 1.15 MB of PCM; 12 bytes of IV and 16 of tag per chunk.
		expect(chunks.length).toBe(1);
		expect(sealedBytes).toBe((made.get('share')?.byteLength ?? 0) + 28);
		expect(sealedBytes).toBeLessThan(60_000);

		routeFetchToApp(t);
		expect(await drainKioskQueue(kiosk)).toMatchObject({ sent: 1, left: 0 });
		const files = await t.store.trackFiles.listForConversation(conversation.id);
		expect(files.map((f) => [f.userId, f.trackId, f.kind, f.codec, f.sha256])).toEqual([
			[ana.userId, trackId, 'share', 'opus', sha256(made.get('share') ?? new Uint8Array())]
		]);
		expect(files[0]?.uploadId).toMatch(/^kiosk-.+-share$/);
		expect(files[0]?.startedAtServerMs).toBe(1_700_000_000_000);
		expect(told).toHaveBeenCalledTimes(1);
	});

	it('carries the FLAC master too after a yes to the archive on this kiosk, filed once the consent has arrived', async () => {
		const { ana, conversation, device } = await setUp();
		await recordTrack(appDb, { conversationId: conversation.id, userId: ana.userId });
		const payload = {
			conversationId: conversation.id,
			kind: 'archive' as const,
			answer: 'yes' as const,
			textVersion: CONSENT_TEXT_VERSIONS.archive,
			language: 'en' as const,
			decidedAt: t.clock().toISOString(),
			archiveFields: {
				title: 'Two neighbours',
				summary: 'About schools.',
				keywords: ['schools'],
				place: 'Birmingham, AL'
			}
		};
		// Given on the kiosk (the visitor's device database), not sent yet when Finish seals.
		await appDb.consents.put({
			id: crypto.randomUUID(),
			conversationId: conversation.id,
			payload,
			status: 'waiting',
			createdAt: Date.now()
		});
		const { encode, made } = nodeEncoder();
		await sealRecordings({
			appDb,
			kiosk,
			serverPublicJwk: device.sealingKey,
			visitor: await grantFor(device.token, ana),
			encode
		});
		expect([...made.keys()]).toEqual(['share', 'master']);

		routeFetchToApp(t);
		// The consent reaches the server first (the kiosk seals mutations before recordings).
		const res = await t.request('/api/mutations', {
			body: { id: crypto.randomUUID(), type: 'consent', payload },
			cookie: ana.cookie
		});
		expect(res.status).toBeLessThan(300);
		expect(await drainKioskQueue(kiosk)).toMatchObject({ sent: 1, left: 0 });
		const files = await t.store.trackFiles.listForConversation(conversation.id);
		expect(files.map((f) => [f.kind, f.codec, f.sha256]).sort()).toEqual(
			[
				['master', 'flac', sha256(made.get('master') ?? new Uint8Array())],
				['share', 'opus', sha256(made.get('share') ?? new Uint8Array())]
			].sort()
		);
	});

	it('keeps everything when the tab dies while sealing: the recording stays, the stray chunks go, the next Finish seals it', async () => {
		const { ana, conversation, device } = await setUp();
		const trackId = await recordTrack(appDb, { conversationId: conversation.id, userId: ana.userId });
		const visitor = await grantFor(device.token, ana);
		const { encode } = nodeEncoder();
		const put = vi.spyOn(kiosk.queue, 'put').mockRejectedValueOnce(new Error('the tab closed'));
		await expect(
			sealRecordings({
				appDb,
				kiosk,
				serverPublicJwk: device.sealingKey,
				visitor,
				encode,
				archiveAnswer: async () => null
			})
		).rejects.toThrow('the tab closed');
		put.mockRestore();
		expect(
			await appDb.segments.where('[trackId+seq]').between([trackId, 0], [trackId, Infinity]).count()
		).toBe(24);
		expect(await kiosk.queue.count()).toBe(0);
		expect(await kiosk.chunks.count()).toBe(1);

		// The next page load drops the chunks nobody references; the next Finish seals the recording again.
		await dropOrphanChunks(kiosk);
		expect(await kiosk.chunks.count()).toBe(0);
		expect(
			await sealRecordings({
				appDb,
				kiosk,
				serverPublicJwk: device.sealingKey,
				visitor,
				encode,
				archiveAnswer: async () => null
			})
		).toBe(1);
		routeFetchToApp(t);
		expect(await drainKioskQueue(kiosk)).toMatchObject({ sent: 1, left: 0 });
		expect((await t.store.trackFiles.listForConversation(conversation.id)).map((f) => f.kind)).toEqual([
			'share'
		]);
	});

	it('is refused by confirmTrack’s checks when the kiosk’s file is not the recording it declares, and stays queued', async () => {
		const { ana, conversation, device } = await setUp();
		await recordTrack(appDb, { conversationId: conversation.id, userId: ana.userId });
		const { encode: real } = nodeEncoder();
		// A 2-second Opus file for a 12-second track.
		const short: SealEncoder = async (input) =>
			real({ ...input, pcm: input.pcm.subarray(0, 48_000 * 2 * 2) });
		await sealRecordings({
			appDb,
			kiosk,
			serverPublicJwk: device.sealingKey,
			visitor: await grantFor(device.token, ana),
			encode: short,
			archiveAnswer: async () => null
		});
		routeFetchToApp(t);
		expect(await drainKioskQueue(kiosk)).toMatchObject({ sent: 0, left: 1 });
		expect((await kiosk.queue.toArray()).map((q) => q.attempts)).toEqual([1]);
		expect(await t.store.trackFiles.listForConversation(conversation.id)).toEqual([]);
		// The refused file was not kept.
		expect(readdirSync(join(t.dataDir, UPLOADS_DIR)).filter((n) => n.startsWith('kiosk-'))).toEqual([]);
	});

	it('goes through the same confirmTrack as a tus upload: bytes in hand are confirmed once, a replay gets the same answer', async () => {
		const { ana, conversation } = await setUp();
		const deps = { env: t.env, store: t.store, clock: t.clock, log: silentLogger, media: t.media };
		const told = vi.spyOn(t.media, 'trackConfirmed');
		const bytes = await nodeEncoder().encode({
			pcm: tonePcm({ seconds: 3, hz: 220 }),
			sampleRate: 48_000,
			kind: 'share'
		});
		const input = {
			uploadId: 'kiosk-replay-share',
			userId: ana.userId,
			bytes,
			metadata: {
				conversationId: conversation.id,
				trackId: `rec-1_${ana.userId}`,
				kind: 'share' as const,
				sha256: sha256(bytes),
				durationMs: 3000,
				startedAtServerMs: 1_700_000_000_000,
				samplesPerSecond: 48_000
			}
		};
		expect(await confirmTrack(deps, input)).toMatchObject({
			ok: true,
			sha256: sha256(bytes),
			confirmedNow: true
		});
		expect(await confirmTrack(deps, input)).toMatchObject({
			ok: true,
			sha256: sha256(bytes),
			confirmedNow: false
		});
		expect(told).toHaveBeenCalledTimes(1);
		expect(await t.store.trackFiles.listForConversation(conversation.id)).toHaveLength(1);
		// Changed on the way: refused as a tus upload would be, and not kept.
		const changed = {
			...input,
			uploadId: 'kiosk-changed-share',
			bytes: bytes.map((b, i) => (i === 100 ? b ^ 1 : b))
		};
		expect(await confirmTrack(deps, changed)).toMatchObject({ ok: false, refusal: 'checksum' });
		expect(readdirSync(join(t.dataDir, UPLOADS_DIR))).not.toContain('kiosk-changed-share');
	});
});
