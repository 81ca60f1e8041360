import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import type { FileReader, HttpRequest, HttpResponse, HttpStack } from 'tus-js-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { UploadRecord } from '../db/after';
import { openDb, type CommonGroundDb } from '../db/db';
import { dispatch, fileRecord, holdLive, sendFile, tusOptions, type EncodedFile } from './track-upload';

/**
 * The track pipeline's adapter against the real tus-js-client (issue #16). First: the device never
 * counts "offset = length" as done. A fake tus server (behind
 * tus-js-client's own HTTP stack hook, so the real client decides what to send) holds an upload
 * whose every byte arrived but which was never confirmed, as a server that died in its last PATCH
 * leaves it.
 */
const FILE = new Uint8Array(700_000).map((_, i) => (i * 31) % 251);
const SHA = createHash('sha256').update(FILE).digest('hex');
const ORIGIN = 'http://app.test';

type Stored = { bytes: Uint8Array; length: number; confirmed: boolean };

class FakeServer {
	readonly uploads = new Map<string, Stored>();
	readonly log: string[] = [];
	/** What POST …/finish answers for an upload that is whole and not confirmed. */
	finishes: 'confirm' | 'refuse' | 'fail' = 'confirm';
	/** Every tus request is refused as from someone signed out. */
	signedOut = false;
	#next = 1;

	strand(id: string) {
		this.uploads.set(id, { bytes: FILE.slice(), length: FILE.byteLength, confirmed: false });
	}

	tus(method: string, url: string, headers: Map<string, string>, body?: Uint8Array): FakeAnswer {
		const path = new URL(url, ORIGIN).pathname;
		this.log.push(`${method} ${path}${method === 'PATCH' ? ` @${headers.get('upload-offset')}` : ''}`);
		if (this.signedOut) return answer(401);
		if (method === 'POST' && path === '/uploads') {
			const id = `u${++this.#next}`;
			this.uploads.set(id, {
				bytes: new Uint8Array(),
				length: Number(headers.get('upload-length')),
				confirmed: false
			});
			return answer(201, { location: `/uploads/${id}` });
		}
		const upload = this.uploads.get(path.split('/').pop() ?? '');
		if (!upload) return answer(404);
		const state = {
			'upload-offset': String(upload.bytes.byteLength),
			'upload-length': String(upload.length)
		};
		const checksum = (): Record<string, string> =>
			upload.confirmed ? { 'upload-checksum-sha256': sha(upload.bytes) } : {};
		if (method === 'HEAD') return answer(200, { ...state, ...checksum() });
		if (method === 'PATCH') {
			if (Number(headers.get('upload-offset')) !== upload.bytes.byteLength) return answer(409);
			// The last PATCH of an upload made during the call says the length.
			if (headers.get('upload-length')) upload.length = Number(headers.get('upload-length'));
			upload.bytes = concat(upload.bytes, body ?? new Uint8Array());
			if (upload.bytes.byteLength === upload.length) upload.confirmed = true;
			return answer(204, { 'upload-offset': String(upload.bytes.byteLength), ...checksum() });
		}
		return answer(405);
	}

	readonly fetch: typeof fetch = async (input, init) => {
		const path = new URL(String(input), ORIGIN).pathname;
		this.log.push(`${init?.method ?? 'GET'} ${path}`);
		if (init?.method === 'DELETE') {
			this.uploads.delete(path.split('/').pop() ?? '');
			return new Response(null, { status: 204 });
		}
		const declared = /^\/uploads\/(\w+)\/declaration$/.exec(path);
		if (declared) return this.uploads.has(declared[1]!) ? new Response(null, { status: 204 }) : json(404, {});
		const match = /^\/uploads\/(\w+)\/finish$/.exec(path);
		const upload = match ? this.uploads.get(match[1]!) : undefined;
		if (!match || !upload) return json(404, { code: 'not_found', message: 'gone' });
		if (this.finishes === 'fail') return json(500, { code: 'internal', message: 'could not file it' });
		if (this.finishes === 'refuse') {
			// Its bytes failed the checks: the server removed the upload.
			this.uploads.delete(match[1]!);
			return json(422, { code: 'checksum_mismatch', message: 'changed on the way' });
		}
		upload.confirmed = true;
		return json(200, { trackId: 'rec1_ana', kind: 'share', sha256: sha(upload.bytes) });
	};

	readonly httpStack: HttpStack = {
		createRequest: (method, url) => new FakeRequest(this, method, url),
		getName: () => 'fake'
	};
}

type FakeAnswer = { status: number; headers: Record<string, string> };
const answer = (status: number, headers: Record<string, string> = {}): FakeAnswer => ({ status, headers });
const json = (status: number, body: unknown) =>
	new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
function concat(a: Uint8Array, b: Uint8Array) {
	const out = new Uint8Array(a.byteLength + b.byteLength);
	out.set(a);
	out.set(b, a.byteLength);
	return out;
}

class FakeRequest implements HttpRequest {
	readonly #headers = new Map<string, string>();
	constructor(
		private readonly server: FakeServer,
		private readonly method: string,
		private readonly url: string
	) {}
	getMethod = () => this.method;
	getURL = () => this.url;
	setHeader = (name: string, value: string) => void this.#headers.set(name.toLowerCase(), value);
	getHeader = (name: string) => this.#headers.get(name.toLowerCase());
	setProgressHandler() {}
	async send(body?: Blob): Promise<HttpResponse> {
		const bytes = body ? new Uint8Array(await body.arrayBuffer()) : undefined;
		const { status, headers } = this.server.tus(this.method, this.url, this.#headers, bytes);
		return {
			getStatus: () => status,
			getHeader: (name: string) => headers[name.toLowerCase()],
			getBody: () => '',
			getUnderlyingObject: () => undefined
		};
	}
	async abort() {}
	getUnderlyingObject = () => undefined;
}

/** Reads the Blob the queue keeps in Dexie, as the browser build does (the Node build reads only Buffers and streams). */
const blobReader: FileReader = {
	async openFile(blob: Blob) {
		return {
			size: blob.size,
			async slice(start: number, end: number) {
				// A Blob, as in the browser: tus-js-client counts what it sends by `size`.
				return { value: blob.slice(start, end), done: end >= blob.size };
			},
			close() {}
		};
	}
};

let db: CommonGroundDb;
let name: string;
afterEach(async () => {
	db.close();
	await indexedDB.deleteDatabase(name);
});

async function stranded(server: FakeServer) {
	name = `upload-queue-${Math.random()}`;
	db = openDb(name);
	server.strand('u1');
	const record: UploadRecord = {
		id: 'rec1_ana:share',
		trackId: 'rec1_ana',
		conversationId: 'c1',
		kind: 'share',
		stage: 'uploading',
		blob: new Blob([FILE]),
		sha256: SHA,
		bytes: FILE.byteLength,
		durationMs: 6000,
		startedAtServerMs: 1_000_000,
		samplesPerSecond: 48_000,
		uploadUrl: `${ORIGIN}/uploads/u1`,
		progress: 0.99,
		updatedAt: 0
	};
	await db.uploads.put(record);
	return record;
}

const io = (server: FakeServer) => ({
	httpStack: server.httpStack,
	fileReader: blobReader,
	fetcher: server.fetch
});

describe('an upload whose every byte is on the server, never confirmed', () => {
	it('is not done: the device asks the server to finish it, and is done once it confirms the checksum', async () => {
		const server = new FakeServer();
		const record = await stranded(server);
		expect(await sendFile(db, record.id, { io: io(server) })).toBe('confirmed');
		// tus-js-client saw offset = length and sent nothing; the finish request made it done.
		expect(server.log).toEqual(['HEAD /uploads/u1', 'POST /uploads/u1/finish']);
		expect(await db.uploads.get(record.id)).toMatchObject({
			stage: 'confirmed',
			uploadUrl: record.uploadUrl
		});
		expect((await db.uploads.get(record.id))?.blob).toBeUndefined();
	});

	it('is sent again from the first byte, as a new upload, when the server can’t finish it', async () => {
		const server = new FakeServer();
		server.finishes = 'refuse';
		const record = await stranded(server);
		expect(await sendFile(db, record.id, { io: io(server) })).toBe('confirmed');
		expect(server.log.slice(0, 3)).toEqual(['HEAD /uploads/u1', 'POST /uploads/u1/finish', 'POST /uploads']);
		const patches = server.log.filter((l) => l.startsWith('PATCH'));
		expect(patches[0]).toBe('PATCH /uploads/u2 @0');
		// The new upload holds the whole file, byte for byte, and the device keeps its new address.
		expect(sha(server.uploads.get('u2')!.bytes)).toBe(SHA);
		// (Relative here: the endpoint is; the browser resolves it against the page.)
		expect(await db.uploads.get(record.id)).toMatchObject({ stage: 'confirmed', uploadUrl: '/uploads/u2' });
	});

	it('stays unconfirmed, with its file and its upload, when the server fails to finish it', async () => {
		const server = new FakeServer();
		server.finishes = 'fail';
		const record = await stranded(server);
		expect(await sendFile(db, record.id, { io: io(server) })).toBe('not_confirmed');
		expect(server.log).toEqual(['HEAD /uploads/u1', 'POST /uploads/u1/finish']);
		const kept = await db.uploads.get(record.id);
		expect(kept).toMatchObject({ stage: 'failed', error: 'not_confirmed', uploadUrl: record.uploadUrl });
		expect(kept?.blob?.size).toBe(FILE.byteLength);
		// Once the server can, the next round finishes it without sending the file again.
		server.finishes = 'confirm';
		expect(await sendFile(db, kept!.id, { io: io(server) })).toBe('confirmed');
		expect(server.log.filter((l) => l.startsWith('PATCH') || l === 'POST /uploads')).toEqual([]);
	});

	it('is done at once when the server’s answer already carries its checksum', async () => {
		const server = new FakeServer();
		const record = await stranded(server);
		server.uploads.get('u1')!.confirmed = true;
		expect(await sendFile(db, record.id, { io: io(server) })).toBe('confirmed');
		expect(server.log).toEqual(['HEAD /uploads/u1']);
	});
});

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

	it('drops the partial upload of a tab that died during the call, and sends the whole track as a new one', async () => {
		const server = new FakeServer();
		name = `track-upload-${Math.random()}`;
		db = openDb(name);
		// Half a file, its length still open, and a row that still says "live" with no tab behind it.
		server.uploads.set('u1', { bytes: FILE.slice(0, 1000), length: Number.NaN, confirmed: false });
		await db.uploads.put({
			id: 'rec1_ana:share',
			trackId: 'rec1_ana',
			conversationId: 'c1',
			kind: 'share',
			stage: 'waiting',
			phase: 'live',
			uploadUrl: `${ORIGIN}/uploads/u1`,
			progress: 0,
			updatedAt: 0
		});
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
		name = `track-upload-${Math.random()}`;
		db = openDb(name);
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
			await db.uploads.put({
				id: 'rec1_ana:share',
				trackId: 'rec1_ana',
				conversationId: 'c1',
				kind: 'share',
				stage: 'waiting',
				phase: 'live',
				uploadUrl: `${ORIGIN}/uploads/u1`,
				progress: 0,
				updatedAt: 0
			});
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
		const record = await stranded(server);
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
		const record = await stranded(server);
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
		const record = await stranded(server);
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
});
