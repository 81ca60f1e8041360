import { createHash } from 'node:crypto';
import type { FileReader, HttpRequest, HttpResponse, HttpStack } from 'tus-js-client';
import type { UploadRecord } from '../db/after';
import { openDb, type CommonGroundDb } from '../db/db';

/**
 * Fixtures for the tests of the track pipeline's adapter against the real tus-js-client (issue #16). First: the device never
 * counts "offset = length" as done. A fake tus server (behind
 * tus-js-client's own HTTP stack hook, so the real client decides what to send) holds an upload
 * whose every byte arrived but which was never confirmed, as a server that died in its last PATCH
 * leaves it.
 */
export const FILE = new Uint8Array(700_000).map((_, i) => (i * 31) % 251);
export const SHA = createHash('sha256').update(FILE).digest('hex');
export const ORIGIN = 'http://app.test';

export type Stored = { bytes: Uint8Array; length: number; confirmed: boolean };

export class FakeServer {
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
export const answer = (status: number, headers: Record<string, string> = {}): FakeAnswer => ({
	status,
	headers
});
export const json = (status: number, body: unknown) =>
	new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
export const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
export function concat(a: Uint8Array, b: Uint8Array) {
	const out = new Uint8Array(a.byteLength + b.byteLength);
	out.set(a);
	out.set(b, a.byteLength);
	return out;
}

export class FakeRequest implements HttpRequest {
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
export const blobReader: FileReader = {
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

export const io = (server: FakeServer) => ({
	httpStack: server.httpStack,
	fileReader: blobReader,
	fetcher: server.fetch
});

let current: { db: CommonGroundDb; name: string } | undefined;
/** A fresh Dexie database for one test; `dropTestDb` (afterEach) closes and deletes it. */
export function testDb(): CommonGroundDb {
	const name = `track-upload-${Math.random()}`;
	current = { db: openDb(name), name };
	return current.db;
}
export async function dropTestDb() {
	if (!current) return;
	current.db.close();
	await indexedDB.deleteDatabase(current.name);
	current = undefined;
}

/** An upload whose every byte is on the server, never confirmed, as its row on this device says. */
export async function stranded(db: CommonGroundDb, server: FakeServer): Promise<UploadRecord> {
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
