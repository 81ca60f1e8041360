import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
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
import { drainKioskQueue } from '../../../src/lib/kiosk/queue.ts';
import { sealRecordings } from '../../../src/lib/kiosk/seal-recording.ts';
import { recordedConversation, type Person } from '../test/conversation.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';

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
	it('is unreadable on the device, and once sent is filed as the visitor’s own share track, then leaves the queue', async () => {
		const { ana, conversation, device } = await setUp();
		const trackId = await recordTrack(appDb, { conversationId: conversation.id, userId: ana.userId });
		const visitor = await grantFor(device.token, ana);

		const sealed = await sealRecordings({ appDb, kiosk, serverPublicJwk: device.sealingKey, visitor });
		expect(sealed).toBe(1);
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
			visitor: await grantFor(device.token, eve)
		});
		const other = await enrolledKiosk(coordinator.cookie);
		await appDb.tracks.clear();
		await recordTrack(appDb, { conversationId: conversation.id, userId: ana.userId });
		await sealRecordings({
			appDb,
			kiosk,
			serverPublicJwk: device.sealingKey,
			visitor: await grantFor(other.token, ana)
		});

		routeFetchToApp(t);
		const report = await drainKioskQueue(kiosk);
		expect(report).toMatchObject({ sent: 0, left: 2 });
		expect((await kiosk.queue.toArray()).map((q) => q.attempts)).toEqual([1, 1]);
		expect(await t.store.trackFiles.listForConversation(conversation.id)).toEqual([]);
	});
});
