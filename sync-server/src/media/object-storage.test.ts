import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MIX_PATH } from '../../../src/lib/core/archive-contents.ts';
import { CONSENT_TEXT_VERSIONS } from '../../../src/lib/core/consent.ts';
import { createApp } from '../app.ts';
import { loadEnv } from '../env.ts';
import { silentLogger } from '../log.ts';
import { createMailer } from '../mail/mailer.ts';
import { encode, sha256Hex, tonePcm } from '../test/audio.ts';
import { recordedConversation, type Person } from '../test/conversation.ts';
import { createTestApp, tempDir, type TestApp } from '../test/harness.ts';
import { startTestS3, type TestS3 } from '../test/s3.ts';
import { tusUpload } from '../test/tus.ts';
import type { BlobStore } from './blob-store.ts';
import { createTranscoder, type Transcoder } from './ffmpeg.ts';
import { createMediaJobs } from './jobs.ts';
import { s3BlobStore } from './s3-blob-store.ts';

let engine: TestS3;
let bucket: BlobStore;
let transcoder: Transcoder;
let shares: [Uint8Array, Uint8Array];
const closing: (() => Promise<void>)[] = [];

beforeAll(async () => {
	engine = await startTestS3();
	bucket = s3BlobStore(engine.config);
	transcoder = createTranscoder();
	shares = [
		await encode(transcoder, tonePcm({ seconds: 4, hz: 220, beepsAt: [1] }), 'opus'),
		await encode(transcoder, tonePcm({ seconds: 3, hz: 330, beepsAt: [1] }), 'opus')
	];
}, 120_000);
afterAll(async () => {
	bucket.close();
	await transcoder.close();
	await engine.stop();
});
afterEach(async () => {
	for (const close of closing.splice(0).reverse()) await close();
});

/**
 * A second instance of the app (issue #17): the same store and the same bucket as `first`, its own
 * DATA_DIR with nothing in it, its own media jobs and S3 client. It leaves closing the store to `first`.
 */
function secondInstance(first: TestApp) {
	const dataDir = tempDir('cg-instance-b-');
	const env = loadEnv({ DATA_DIR: dataDir, STATIC_DIR: join(dataDir, 'no-build'), ...engine.env });
	const store = { ...first.store, close: async () => {} };
	const clock = first.clock;
	const mailer = createMailer({ env, store, log: silentLogger, clock });
	const media = createMediaJobs({
		env,
		store,
		mailer,
		clock,
		log: silentLogger,
		transcoder: createTranscoder()
	});
	const app = createApp({ env, store, mailer, clock, log: silentLogger, media });
	closing.push(async () => {
		await app.close();
		rmSync(dataDir, { recursive: true, force: true });
	});
	return { app, media, dataDir };
}

/** The files in one folder of an instance's DATA_DIR (tus makes `uploads` at start, empty). */
const filesIn = (dataDir: string, folder: string) =>
	existsSync(join(dataDir, folder)) ? readdirSync(join(dataDir, folder)) : [];

async function agree(t: TestApp, who: Person, conversationId: string, kind: 'copy' | 'archive') {
	const payload = {
		conversationId,
		kind,
		answer: 'yes',
		textVersion: CONSENT_TEXT_VERSIONS[kind],
		language: 'en',
		decidedAt: t.clock().toISOString(),
		archiveFields:
			kind === 'archive'
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

/** Both share tracks sent to `t` over tus, whole, as the app sends them after the call. */
async function uploadBoth(t: TestApp, conversationId: string, people: [Person, Person]) {
	for (const [i, who] of people.entries()) {
		const bytes = shares[i] as Uint8Array;
		const { last } = await tusUpload(t, who.cookie, bytes, {
			conversationId,
			trackId: `rec1_${who.userId}`,
			kind: 'share',
			sha256: sha256Hex(bytes),
			durationMs: String(i === 0 ? 4000 : 3000),
			startedAtServerMs: String(1_762_095_600_000 + i * 500),
			samplesPerSecond: '48000'
		});
		expect(last.status).toBe(204);
	}
}

describe('confirmed audio in object storage (S3_* set)', () => {
	it('files each confirmed track and the copy in the bucket, and another instance serves them', async () => {
		const a = await createTestApp({ env: engine.env });
		closing.push(() => a.close());
		const { ana, ben, coordinator, conversation } = await recordedConversation(a);
		const id = conversation.id;
		for (const who of [ana, ben])
			for (const kind of ['copy', 'archive'] as const) await agree(a, who, id, kind);
		await uploadBoth(a, id, [ana, ben]);
		await a.media.idle();

		// Each track is in the bucket under the key its row names, byte for byte.
		const tracks = await a.store.trackFiles.listForConversation(id);
		expect(tracks).toHaveLength(2);
		for (const track of tracks) {
			const stored = await bucket.bytes(track.filePath);
			expect(stored && sha256Hex(stored)).toBe(track.sha256);
		}
		// The copy is in the bucket only: the instance's DATA_DIR keeps no copies.
		const copy = await a.store.copies.find(id);
		expect(copy).toMatchObject({ status: 'ready', filePath: join('copies', `${id}.opus`) });
		const mixed = await bucket.bytes(copy?.filePath ?? '');
		expect(mixed && sha256Hex(mixed)).toBe(copy?.sha256);
		expect(filesIn(a.dataDir, 'copies')).toEqual([]);

		// Instance B has nothing on its disk, and serves the copy and the archive package from the bucket.
		const b = secondInstance(a);
		const download = await b.app.request(`/api/conversations/${id}/copy`, {
			headers: { cookie: ben.cookie }
		});
		expect(download.status).toBe(200);
		expect(sha256Hex(new Uint8Array(await download.arrayBuffer()))).toBe(copy?.sha256);
		const bag = await b.app.request(`/api/conversations/${id}/archive-package`, {
			headers: { cookie: coordinator.cookie }
		});
		expect(bag.status).toBe(200);
		const files = Object.entries(unzipSync(new Uint8Array(await bag.arrayBuffer())));
		expect(files.filter(([name]) => name.endsWith('.wav'))).toHaveLength(2);
		const mix = files.find(([name]) => name.endsWith(`/${MIX_PATH}`))?.[1];
		expect(mix && sha256Hex(mix)).toBe(copy?.sha256);
		expect([...filesIn(b.dataDir, 'uploads'), ...filesIn(b.dataDir, 'copies')]).toEqual([]);
	}, 120_000);

	it('a copy whose object is gone is mixed again by another instance, from the tracks in the bucket', async () => {
		const a = await createTestApp({ env: engine.env });
		closing.push(() => a.close());
		const { ana, ben, conversation } = await recordedConversation(a);
		const id = conversation.id;
		for (const who of [ana, ben]) await agree(a, who, id, 'copy');
		await uploadBoth(a, id, [ana, ben]);
		await a.media.idle();
		const before = await a.store.copies.find(id);
		await bucket.delete(before?.filePath ?? '');

		// B boots (server.ts resumes interrupted mixes) with no upload on its own disk.
		const b = secondInstance(a);
		expect(await b.media.resumeInterrupted()).toBe(1);
		await b.media.idle();
		const after = await a.store.copies.find(id);
		expect(after?.status).toBe('ready');
		const mixed = await bucket.bytes(after?.filePath ?? '');
		expect(mixed && sha256Hex(mixed)).toBe(after?.sha256);
		expect(Math.abs((after?.durationMs ?? 0) - 4000)).toBeLessThan(100);
		expect([...filesIn(b.dataDir, 'uploads'), ...filesIn(b.dataDir, 'copies')]).toEqual([]);
	}, 120_000);
});
