import 'fake-indexeddb/auto';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as v from 'valibot';
import {
	CreatedKiosk,
	EnrolledKiosk,
	KIOSK_CHUNKS_PATH,
	KIOSK_TOKEN_HEADER,
	VisitorGrant
} from '../../../src/lib/contracts/kiosk.ts';
import { openDb } from '../../../src/lib/db/db.ts';
import { appendSegment, createTrack, updateTrack } from '../../../src/lib/db/recordings.ts';
import { openKioskDb } from '../../../src/lib/kiosk/device-db.ts';
import { drainKioskQueue } from '../../../src/lib/kiosk/queue.ts';
import { sealRecordings } from '../../../src/lib/kiosk/seal-recording.ts';
import { createApp, type App } from '../app.ts';
import { loadEnv } from '../env.ts';
import { silentLogger } from '../log.ts';
import { createMailer } from '../mail/mailer.ts';
import type { BlobStore } from '../media/blob-store.ts';
import { createTranscoder } from '../media/ffmpeg.ts';
import { createMediaJobs } from '../media/jobs.ts';
import { s3BlobStore } from '../media/s3-blob-store.ts';
import { recordedConversation } from '../test/conversation.ts';
import { createTestApp, signInAs, tempDir, type TestApp } from '../test/harness.ts';
import { startTestS3, type TestS3 } from '../test/s3.ts';
import { testSealingKey } from '../test/sealing-key.ts';
import { KIOSK_QUEUE_DIR } from './sealed-recording.ts';

let engine: TestS3;
let bucket: BlobStore;
let key: string;
const closing: (() => Promise<void> | void)[] = [];
beforeAll(async () => {
	engine = await startTestS3();
	bucket = s3BlobStore(engine.config);
	key = await testSealingKey();
}, 120_000);
afterAll(async () => {
	bucket.close();
	await engine.stop();
});
afterEach(async () => {
	for (const close of closing.splice(0).reverse()) await close();
});

/** Instance B (issue #17): A's store and bucket and the same KIOSK_SEALING_KEY, its own empty DATA_DIR. */
function secondInstance(first: TestApp): { app: App; dataDir: string } {
	const dataDir = tempDir('cg-kiosk-b-');
	const env = loadEnv({
		DATA_DIR: dataDir,
		STATIC_DIR: join(dataDir, 'no-build'),
		DATABASE_URL: first.env.databaseUrl,
		KIOSK_SEALING_KEY: key,
		...engine.env
	});
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
	return { app, dataDir };
}

/** 12 s of a hum, recorded through the app's recording module: 1.15 MB of PCM, two sealed chunks. */
async function recordTrack(db: ReturnType<typeof openDb>, conversationId: string, userId: string) {
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

describe('a kiosk behind several instances (issue #17)', { timeout: 120_000 }, () => {
	it('enrolled on A, sends a chunk to A and the rest and the manifest to B, and B files the track', async () => {
		const a = await createTestApp({ env: { ...engine.env, KIOSK_SEALING_KEY: key } });
		closing.push(() => a.close());
		const b = secondInstance(a);
		const { ana, coordinator, conversation } = await recordedConversation(a);

		// Enrolled through A: its token, its sealing key, and Ana's grant all come from A.
		const created = v.parse(
			CreatedKiosk,
			await (
				await a.request('/api/kiosks', { body: { label: 'Library' }, cookie: coordinator.cookie })
			).json()
		);
		const enrolled = v.parse(
			EnrolledKiosk,
			await (await a.request('/api/kiosk/enroll', { body: { code: created.enrollmentCode } })).json()
		);
		const sealingKey = (await (await a.request('/api/kiosk/sealing-key')).json()) as JsonWebKey;
		const grant = await a.request('/api/kiosk/visitor-grant', {
			body: {},
			cookie: ana.cookie,
			headers: { [KIOSK_TOKEN_HEADER]: enrolled.token }
		});
		const visitor = v.parse(VisitorGrant, await grant.json());

		const appDb = openDb(`app-${crypto.randomUUID()}`);
		const kiosk = openKioskDb();
		closing.push(() => {
			appDb.close();
			kiosk.close();
			indexedDB.deleteDatabase(appDb.name);
			indexedDB.deleteDatabase(kiosk.name);
		});
		await kiosk.device.put({ key: 'device', token: enrolled.token, device: enrolled.device, sealingKey });
		const trackId = await recordTrack(appDb, conversation.id, ana.userId);
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
		// The kiosk could not encode: the raw PCM is sealed, in two chunks, and the server encodes it.
		await sealRecordings({
			appDb,
			kiosk,
			serverPublicJwk: sealingKey,
			visitor,
			encode: () => Promise.reject(new Error('the encoder could not load'))
		});
		warn.mockRestore();
		const [item] = await kiosk.queue.toArray();
		if (item?.kind !== 'recording') throw new Error('no sealed recording in the queue');
		expect(item.chunkCount).toBe(2);

		// The balancer sends the kiosk to A, which goes away after chunk 0; the next round reaches B.
		const realFetch = globalThis.fetch;
		closing.push(() => void (globalThis.fetch = realFetch));
		const seen: string[] = [];
		let serving: 'A' | 'B' = 'A';
		globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
			const path = String(input);
			const method = init?.method ?? 'GET';
			if (serving === 'A' && method === 'PUT' && !path.endsWith('/0')) {
				serving = 'B';
				throw new TypeError('fetch failed');
			}
			seen.push(`${serving} ${method} ${path.replace(/^.*\/(\d+)$/, 'chunk $1')}`);
			return (serving === 'A' ? a.app : b.app).request(path, init);
		}) as typeof fetch;

		expect(await drainKioskQueue(kiosk)).toMatchObject({ sent: 0, left: 1, offline: true });
		expect(await drainKioskQueue(kiosk)).toMatchObject({ sent: 1, left: 0 });
		const itemId = item.id;
		expect(seen).toEqual([
			`A GET ${KIOSK_CHUNKS_PATH}/${itemId}`,
			'A PUT chunk 0',
			// B finds chunk 0, which A filed in the shared store, and asks only for chunk 1.
			`B GET ${KIOSK_CHUNKS_PATH}/${itemId}`,
			'B PUT chunk 1',
			'B POST /api/kiosk/recordings'
		]);

		// Filed by B as Ana's own share track, from chunks both instances received.
		const files = await a.store.trackFiles.listForConversation(conversation.id);
		expect(files.map((f) => [f.userId, f.trackId, f.kind, f.codec])).toEqual([
			[ana.userId, trackId, 'share', 'opus']
		]);
		expect(await bucket.head(files[0]?.filePath ?? '')).toBeDefined();
		// The chunks left the bucket through the store; the receipt stays there for a replay on either instance.
		const queue = `${KIOSK_QUEUE_DIR}/${created.kiosk.id}/`;
		expect(await bucket.list(`${queue}${itemId}/`)).toEqual([]);
		expect(await bucket.list(queue)).toEqual([`${queue}done/${itemId}.json`]);
		const { wrappedKey, iv, ciphertext, sha256 } = item;
		const replay = await a.request('/api/kiosk/recordings', {
			body: { manifest: { id: itemId, wrappedKey, iv, ciphertext }, chunkCount: 2, sha256 },
			headers: { [KIOSK_TOKEN_HEADER]: enrolled.token }
		});
		expect(replay.status).toBe(200);
		expect(await replay.json()).toMatchObject({ id: itemId, sha256 });
		// Neither instance kept anything of the kiosk on its own disk.
		for (const dir of [a.dataDir, b.dataDir]) expect(existsSync(join(dir, KIOSK_QUEUE_DIR))).toBe(false);
	});
});

describe('one instance on disk, after the upgrade (issue #17)', { timeout: 60_000 }, () => {
	it('finds the chunks and receipts queued in DATA_DIR before, where they always were', async () => {
		const t = await createTestApp();
		closing.push(() => t.close());
		const coordinator = await signInAs(t, 'coordinator');
		const created = v.parse(
			CreatedKiosk,
			await (await t.request('/api/kiosks', { body: { label: 'Library' }, cookie: coordinator })).json()
		);
		const { token } = v.parse(
			EnrolledKiosk,
			await (await t.request('/api/kiosk/enroll', { body: { code: created.enrollmentCode } })).json()
		);
		const headers = { [KIOSK_TOKEN_HEADER]: token };
		const queue = join(t.dataDir, KIOSK_QUEUE_DIR, created.kiosk.id);
		// Written by the server before this change: chunks 0 and 2 in place, 1 cut off mid-write.
		const waiting = crypto.randomUUID();
		mkdirSync(join(queue, waiting), { recursive: true });
		for (const name of ['0.bin', '1.part', '2.bin']) writeFileSync(join(queue, waiting, name), 'sealed');
		const listed = await t.request(`${KIOSK_CHUNKS_PATH}/${waiting}`, { headers });
		expect(await listed.json()).toEqual({ received: [0, 2] });

		const filed = crypto.randomUUID();
		const receipt = {
			id: filed,
			sha256: 'a'.repeat(64),
			confirmed: [{ kind: 'share', sha256: 'b'.repeat(64) }]
		};
		mkdirSync(join(queue, 'done'), { recursive: true });
		writeFileSync(join(queue, 'done', `${filed}.json`), JSON.stringify(receipt));
		const replay = await t.request('/api/kiosk/recordings', {
			body: {
				manifest: { id: filed, wrappedKey: 'AA==', iv: 'AA==', ciphertext: 'AA==' },
				chunkCount: 1,
				sha256: 'a'.repeat(64)
			},
			headers
		});
		expect(replay.status).toBe(200);
		expect(await replay.json()).toEqual(receipt);
	});
});

describe('start-up with DATABASE_URL (issue #17)', { timeout: 60_000 }, () => {
	it('refuses without KIOSK_SEALING_KEY, saying how to make one, and never shows the password', async () => {
		const dataDir = tempDir('cg-kiosk-refused-');
		closing.push(() => rmSync(dataDir, { recursive: true, force: true }));
		const main = fileURLToPath(new URL('../main.ts', import.meta.url));
		const child = spawn(process.execPath, ['--import', 'tsx', main], {
			env: {
				PATH: process.env.PATH,
				PORT: '0',
				HOST: '127.0.0.1',
				DATA_DIR: dataDir,
				NODE_ENV: 'test',
				DATABASE_URL: 'postgres://cg:hunter2@127.0.0.1:9/common_ground'
			},
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let output = '';
		child.stdout.on('data', (d: Buffer) => (output += d.toString()));
		child.stderr.on('data', (d: Buffer) => (output += d.toString()));
		const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
		expect(code).toBe(1);
		expect(output).toContain('DATABASE_URL is set, so several instances may serve this program');
		expect(output).toContain('npm run admin -- sealing-key');
		expect(output).not.toContain('hunter2');
		expect(output).not.toContain('listening');
	});
});
