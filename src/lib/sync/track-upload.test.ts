import 'fake-indexeddb/auto';
import type { HttpStack } from 'tus-js-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CommonGroundDb } from '../db/db';
import { dispatch, fileRecord, holdLive, sendFile, tusOptions, type EncodedFile } from './track-upload';
import {
	FILE,
	SHA,
	ORIGIN,
	FakeServer,
	sha,
	io,
	testDb,
	dropTestDb,
	stranded
} from './track-upload.fixtures';

// The after-call input of the track pipeline's adapter, and the one builder of the tus options (issue #16).
let db: CommonGroundDb;
afterEach(dropTestDb);

describe('the after-call input', () => {
	const encoded: EncodedFile = {
		kind: 'share',
		bytes: FILE,
		sampleRate: 48_000,
		samples: 288_000,
		points: [{ sample: 0, serverMs: 1_000_000 }],
		encoder: 'webcodecs',
		encodeMs: 5
	};

	/** A share track's row that still says "live", with its upload u1 begun during the call. */
	const liveRow = () => ({
		id: 'rec1_ana:share',
		trackId: 'rec1_ana',
		conversationId: 'c1',
		kind: 'share' as const,
		stage: 'waiting' as const,
		phase: 'live' as const,
		uploadUrl: `${ORIGIN}/uploads/u1`,
		progress: 0,
		updatedAt: 0
	});

	it('drops the partial upload of a tab that died during the call, and sends the whole track as a new one', async () => {
		const server = new FakeServer();
		db = testDb();
		// Half a file, its length still open, and a row that still says "live" with no tab behind it.
		server.uploads.set('u1', { bytes: FILE.slice(0, 1000), length: Number.NaN, confirmed: false });
		await db.uploads.put(liveRow());
		let encodes = 0;
		const result = await sendFile(db, 'rec1_ana:share', {
			io: io(server),
			encode: async () => {
				encodes += 1;
				return encoded;
			}
		});
		expect(result).toBe('confirmed');
		expect(encodes).toBe(1);
		expect(server.log.slice(0, 3)).toEqual(['DELETE /uploads/u1', 'POST /uploads', 'PATCH /uploads/u2 @0']);
		expect(server.uploads.has('u1')).toBe(false);
		expect(sha(server.uploads.get('u2')!.bytes)).toBe(SHA);
		expect(await db.uploads.get('rec1_ana:share')).toMatchObject({
			stage: 'confirmed',
			phase: 'confirmed',
			sha256: SHA,
			durationMs: 6000,
			startedAtServerMs: 1_000_000,
			uploadUrl: '/uploads/u2'
		});
	});

	it('waits for the live input still sending in another tab, then declares its upload and sends only the rest', async () => {
		const server = new FakeServer();
		db = testDb();
		const held = new Map<string, Promise<void>>();
		const locks = {
			async request<T>(lock: string, work: () => Promise<T> | T): Promise<T> {
				while (held.has(lock)) await held.get(lock);
				let release = () => {};
				held.set(lock, new Promise<void>((done) => (release = done)));
				try {
					return await work();
				} finally {
					held.delete(lock);
					release();
				}
			}
		};
		vi.stubGlobal('navigator', { locks, onLine: true });
		try {
			server.uploads.set('u1', { bytes: FILE.slice(0, 400_000), length: Number.NaN, confirmed: false });
			await db.uploads.put(liveRow());
			const release = await holdLive('rec1_ana');
			const sent = sendFile(db, 'rec1_ana:share', { io: io(server), encode: async () => encoded });
			await new Promise((resolve) => setTimeout(resolve, 50));
			expect(server.log).toEqual([]);
			// The call's tab writes its last page and the whole file, then lets go.
			await dispatch(db, 'rec1_ana:share', { type: 'live_stopped' });
			await dispatch(db, 'rec1_ana:share', { type: 'live_finished' }, await fileRecord(encoded));
			release();
			expect(await sent).toBe('confirmed');
		} finally {
			vi.unstubAllGlobals();
		}
		expect(server.log.slice(0, 3)).toEqual([
			'PUT /uploads/u1/declaration',
			'HEAD /uploads/u1',
			'PATCH /uploads/u1 @400000'
		]);
		expect(server.log.filter((l) => l === 'POST /uploads' || l.startsWith('DELETE'))).toEqual([]);
		expect(sha(server.uploads.get('u1')!.bytes)).toBe(SHA);
		expect(await db.uploads.get('rec1_ana:share')).toMatchObject({
			phase: 'confirmed',
			deferredLength: true
		});
	});

	it('signed out: the file and its upload stay for the round after the sign-in', async () => {
		const server = new FakeServer();
		const record = await stranded((db = testDb()), server);
		server.signedOut = true;
		expect(await sendFile(db, record.id, { io: io(server) })).toBe('not_confirmed');
		const kept = await db.uploads.get(record.id);
		expect(kept).toMatchObject({ stage: 'failed', error: '401', uploadUrl: record.uploadUrl });
		expect(kept?.blob?.size).toBe(FILE.byteLength);
		server.signedOut = false;
		expect(await sendFile(db, record.id, { io: io(server) })).toBe('confirmed');
	});

	it('offline: failed, nothing lost, and the next round resumes the same upload', async () => {
		const server = new FakeServer();
		const record = await stranded((db = testDb()), server);
		// tus-js-client tries again at once unless the browser says it is offline.
		vi.stubGlobal('navigator', { onLine: false });
		const offline: HttpStack = {
			createRequest: (method, url) => {
				const request = server.httpStack.createRequest(method, url);
				request.send = async () => {
					throw new Error('Failed to fetch');
				};
				return request;
			},
			getName: () => 'offline'
		};
		try {
			expect(await sendFile(db, record.id, { io: { ...io(server), httpStack: offline } })).toBe(
				'not_confirmed'
			);
		} finally {
			vi.unstubAllGlobals();
		}
		expect(await db.uploads.get(record.id)).toMatchObject({
			stage: 'failed',
			error: 'offline',
			uploadUrl: record.uploadUrl
		});
		expect(await sendFile(db, record.id, { io: io(server) })).toBe('confirmed');
		expect(server.log.filter((l) => l === 'POST /uploads')).toEqual([]);
	});

	it('reads a row written before the pipeline (no phase) as its stage says', async () => {
		const server = new FakeServer();
		const record = await stranded((db = testDb()), server);
		expect((await db.uploads.get(record.id))?.phase).toBeUndefined();
		expect(await sendFile(db, record.id, { io: io(server) })).toBe('confirmed');
	});
});

describe('the tus options', () => {
	const ids = { conversationId: 'c1', trackId: 'r_u1', kind: 'share' as const };
	const on = { onUrl: () => {} };

	it('tell the server where a live track starts, so it can mix the copy during the call (issue #16)', () => {
		const live = tusOptions(
			{ ...ids, startedAtServerMs: 1_762_095_600_123.5 },
			{ live: true, deferredLength: true },
			on
		);
		expect(live.metadata).toEqual({ ...ids, startedAtServerMs: '1762095600123.5' });
		expect(live.uploadLengthDeferred).toBe(true);
		// Without a start (too few segments yet), a live upload says only what it is.
		expect(tusOptions(ids, { live: true, deferredLength: true }, on).metadata).toEqual(ids);
	});

	it('send a whole file with all its facts', () => {
		const whole = tusOptions(
			{ ...ids, sha256: 'ab'.repeat(32), durationMs: 61_000, startedAtServerMs: 5, samplesPerSecond: 48_001 },
			{ live: false, deferredLength: false },
			on
		);
		expect(whole.metadata).toEqual({
			...ids,
			sha256: 'ab'.repeat(32),
			durationMs: '61000',
			startedAtServerMs: '5',
			samplesPerSecond: '48001'
		});
	});

	it('name the conversation on every request, so a load balancer sends both partners’ uploads to one instance (issue #17)', () => {
		for (const live of [true, false])
			expect(tusOptions(ids, { live, deferredLength: live }, on).headers).toEqual({
				'Conversation-Id': 'c1'
			});
	});
});
