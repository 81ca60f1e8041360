import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KIOSK_CHUNKS_PATH } from '../contracts/kiosk';
import { openKioskDb, type KioskDb, type RecordingQueueRecord } from './device-db';
import { sendSealedRecording } from './send-recording';

const SHA = 'a'.repeat(64);
const OTHER_SHA = 'b'.repeat(64);
const ITEM_ID = '6f1c1a52-5a8e-4f0e-9d7e-0f5f3b3f1a10';

/** The server's side of the sealed-recording protocol, with what it holds and how it answers. */
function kioskServer(answer: { receiptSha?: string; put?: number | 'unreachable'; list?: number } = {}) {
	const held = new Set<number>();
	const requests: string[] = [];
	const fetchStub = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
		const url = String(input);
		const method = init?.method ?? 'GET';
		requests.push(`${method} ${url}`);
		const json = (status: number, body: unknown) =>
			new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
		if (method === 'GET' && url === `${KIOSK_CHUNKS_PATH}/${ITEM_ID}`) {
			if (answer.list) return json(answer.list, { code: 'unauthenticated', message: 'no' });
			return json(200, { received: [...held] });
		}
		if (method === 'PUT') {
			if (answer.put === 'unreachable') throw new TypeError('Failed to fetch');
			if (answer.put) return json(answer.put, { code: 'internal', message: 'no' });
			held.add(Number(url.split('/').at(-1)));
			return new Response(null, { status: 204 });
		}
		if (method === 'POST' && url === '/api/kiosk/recordings')
			return json(200, { id: ITEM_ID, sha256: answer.receiptSha ?? SHA, confirmed: [] });
		return json(404, { code: 'not_found', message: 'no' });
	});
	return { held, requests, fetchStub };
}

let kiosk: KioskDb;
const item: RecordingQueueRecord = {
	id: ITEM_ID,
	kind: 'recording',
	wrappedKey: 'AAAA',
	iv: 'AAAA',
	ciphertext: 'AAAA',
	chunkCount: 2,
	sha256: SHA,
	createdAt: 1,
	attempts: 0
};

beforeEach(async () => {
	kiosk = openKioskDb();
	await kiosk.queue.put(item);
	await kiosk.chunks.bulkPut(
		[0, 1].map((seq) => ({ itemId: ITEM_ID, seq, sealed: new ArrayBuffer(8), sha256: SHA }))
	);
});
afterEach(async () => {
	vi.unstubAllGlobals();
	await kiosk.delete();
});

const leftOnDevice = async () => ({
	item: (await kiosk.queue.get(ITEM_ID)) as RecordingQueueRecord | undefined,
	chunks: await kiosk.chunks.count()
});

describe('a sealed recording through the track pipeline (issue #16)', () => {
	it('is deleted from the kiosk only when the server answers with the checksum sealed with it', async () => {
		const server = kioskServer();
		vi.stubGlobal('fetch', server.fetchStub);
		expect(await sendSealedRecording({ kiosk, token: 't', item })).toBe('sent');
		expect(server.held).toEqual(new Set([0, 1]));
		expect(await leftOnDevice()).toEqual({ item: undefined, chunks: 0 });
	});

	it('stays, and goes again next round, when the receipt names another checksum', async () => {
		const wrong = kioskServer({ receiptSha: OTHER_SHA });
		vi.stubGlobal('fetch', wrong.fetchStub);
		expect(await sendSealedRecording({ kiosk, token: 't', item })).toBe('refused');
		const kept = await leftOnDevice();
		expect(kept.chunks).toBe(2);
		expect(kept.item?.attempts).toBe(1);
		expect(kept.item?.pipeline).toMatchObject({ phase: 'failed', hasFile: true, error: 'not_confirmed' });

		// The next round sends only what the server lacks (nothing), and this time the receipt matches.
		const right = kioskServer();
		for (const seq of wrong.held) right.held.add(seq);
		vi.stubGlobal('fetch', right.fetchStub);
		expect(await sendSealedRecording({ kiosk, token: 't', item: kept.item! })).toBe('sent');
		expect(right.requests.filter((r) => r.startsWith('PUT'))).toEqual([]);
		expect(await leftOnDevice()).toEqual({ item: undefined, chunks: 0 });
	});

	it('keeps everything, without counting an attempt, when offline or when the kiosk was revoked', async () => {
		vi.stubGlobal('fetch', kioskServer({ put: 'unreachable' }).fetchStub);
		expect(await sendSealedRecording({ kiosk, token: 't', item })).toBe('offline');
		vi.stubGlobal('fetch', kioskServer({ list: 401 }).fetchStub);
		expect(await sendSealedRecording({ kiosk, token: 't', item })).toBe('revoked');
		const kept = await leftOnDevice();
		expect(kept.chunks).toBe(2);
		expect(kept.item?.attempts).toBe(0);
		expect(kept.item?.pipeline?.phase).toBe('failed');
	});

	it('keeps the sealed audio for staff when the server refuses the file itself', async () => {
		vi.stubGlobal('fetch', kioskServer({ put: 422 }).fetchStub);
		expect(await sendSealedRecording({ kiosk, token: 't', item })).toBe('refused');
		// The kiosk can't make the file again (the visitor's recording was wiped at sealing): nothing
		// is deleted, and later rounds leave it alone.
		const kept = await leftOnDevice();
		expect(kept.chunks).toBe(2);
		const again = kioskServer();
		vi.stubGlobal('fetch', again.fetchStub);
		expect(await sendSealedRecording({ kiosk, token: 't', item: kept.item! })).toBe('refused');
		expect(again.requests).toEqual([]);
		expect((await leftOnDevice()).chunks).toBe(2);
	});
});
