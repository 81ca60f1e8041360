import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadEnv } from '../env.ts';
import { silentLogger, type Logger } from '../log.ts';
import { createTranscoder, type Transcoder } from '../media/ffmpeg.ts';
import { startServer } from '../server.ts';
import { sha256Hex, encode, tonePcm } from '../test/audio.ts';
import { recordedConversation, type Person } from '../test/conversation.ts';
import { createTestApp, tempDir, type TestApp } from '../test/harness.ts';
import { fillTheDisk, openTestStore, removeTestStore, testStoreEnv } from '../test/store.ts';
import { encodeMeta, shareMeta } from '../test/tus.ts';
import { confirmTrack, finishStrandedUploads } from '../uploads/confirm.ts';

/**
 * Issue #16: a finished upload that is never confirmed. The server "dies" at each phase of the last
 * PATCH: its request is frozen there (as a killed process leaves it: only what is on disk and in
 * the database counts), then a new app is started over the same DATA_DIR and database. Each ends
 * with the track confirmed, by the boot, a HEAD, a PATCH or the device's finish request.
 */
const fault = vi.hoisted(() => ({
	at: undefined as 'before the hash' | 'after the hash' | undefined,
	/** Called when a request reaches the phase; returns what never settles until the test "kills" it. */
	frozen: undefined as (() => Promise<never>) | undefined
}));

vi.mock(import('../uploads/verify.ts'), async (importOriginal) => {
	const real = await importOriginal();
	const freezeIf = async (phase: typeof fault.at) => {
		if (fault.at !== phase || !fault.frozen) return;
		fault.at = undefined;
		await fault.frozen();
	};
	return {
		...real,
		async verifyUpload(path: string, expected: Parameters<typeof real.verifyUpload>[1]) {
			await freezeIf('before the hash');
			const verified = await real.verifyUpload(path, expected);
			await freezeIf('after the hash');
			return verified;
		}
	};
});

let transcoder: Transcoder;
let shareA: Uint8Array;
const open: TestApp[] = [];
const dirs: string[] = [];

beforeAll(async () => {
	transcoder = createTranscoder();
	shareA = await encode(transcoder, tonePcm({ seconds: 6, hz: 220, beepsAt: [2] }), 'opus');
}, 120_000);
afterAll(() => transcoder.close());
afterEach(async () => {
	fault.at = undefined;
	fault.frozen = undefined;
	for (const t of open.splice(0)) await t.close();
	for (const dir of dirs.splice(0)) {
		rmSync(dir, { recursive: true, force: true });
		await removeTestStore(dir);
	}
});

const TUS = { 'tus-resumable': '1.0.0' };

async function app(dataDir: string, log: Logger = silentLogger) {
	const t = await createTestApp({ dataDir, keepDataDir: true, log });
	open.push(t);
	return t;
}

function recordingLog() {
	const errors: { message: string; data?: Record<string, unknown> }[] = [];
	const log: Logger = {
		info() {},
		warn() {},
		error: (message, data) => void errors.push({ message, data })
	};
	return { log, errors };
}

/** Creates Ana's share-track upload and sends all but its last piece; returns what the last PATCH needs. */
async function allButTheLastPiece(t: TestApp, ana: Person, conversationId: string) {
	const created = await t.app.request('/uploads', {
		method: 'POST',
		headers: {
			...TUS,
			cookie: ana.cookie,
			'upload-length': String(shareA.byteLength),
			'upload-metadata': encodeMeta(shareMeta(conversationId, ana, shareA))
		}
	});
	expect(created.status).toBe(201);
	const location = new URL(created.headers.get('location') ?? '', 'http://localhost').pathname;
	const half = Math.floor(shareA.byteLength / 2);
	const first = await patch(t, location, ana, 0, shareA.slice(0, half));
	expect(first.status).toBe(204);
	expect(await t.store.trackFiles.listForConversation(conversationId)).toEqual([]);
	return { location, id: location.split('/').pop()!, half };
}

function patch(t: TestApp, location: string, who: Person, offset: number, bytes: Uint8Array) {
	return t.app.request(location, {
		method: 'PATCH',
		headers: {
			...TUS,
			cookie: who.cookie,
			'upload-offset': String(offset),
			'content-type': 'application/offset+octet-stream'
		},
		body: bytes.slice()
	});
}

/** Stops the next request that reaches `phase` there, as if the process died; `kill()` ends it without it writing anything more. */
function freezeAt(phase: 'before the hash' | 'after the hash') {
	let reached!: () => void;
	const isReached = new Promise<void>((resolve) => (reached = resolve));
	let die!: (error: Error) => void;
	const death = new Promise<never>((_, reject) => (die = reject));
	fault.at = phase;
	fault.frozen = () => {
		reached();
		return death;
	};
	return { isReached, kill: () => die(new Error('the server process died here')) };
}

type Phase =
	'before the hash' | 'after the hash, before the database write' | 'the database write fails (disk full)';
const PHASES: Phase[] = [
	'before the hash',
	'after the hash, before the database write',
	'the database write fails (disk full)'
];

/**
 * Runs the last PATCH into `phase` on a first app, then starts a second app over the same data:
 * the track is still unconfirmed there, with every byte on disk.
 */
async function strandedAt(phase: Phase) {
	const dataDir = tempDir('cg-recovery-');
	dirs.push(dataDir);
	const { log, errors } = recordingLog();
	const first = await app(dataDir, log);
	const { ana, conversation } = await recordedConversation(first);
	const { location, id, half } = await allButTheLastPiece(first, ana, conversation.id);
	if (phase === 'the database write fails (disk full)') {
		const freeDisk = await fillTheDisk(dataDir, 'conversation_tracks');
		const last = await patch(first, location, ana, half, shareA.slice(half));
		// Answered as the app's error, and logged with its cause (issue #16).
		expect(last.status).toBe(500);
		const body = await last.text();
		expect(JSON.parse(body)).toMatchObject({ code: 'internal', requestId: expect.any(String) });
		expect(body).not.toMatch(/disk is full|SQLITE|sqlite/);
		const failure = errors.find((e) => e.message === 'finishing an upload failed');
		expect(failure?.data).toMatchObject({ uploadId: id, step: 'save' });
		expect(String((failure?.data?.error as Error | undefined)?.message)).toMatch(/disk is full/);
		await freeDisk();
	} else {
		const frozen = freezeAt(phase === 'before the hash' ? 'before the hash' : 'after the hash');
		const last = patch(first, location, ana, half, shareA.slice(half));
		await frozen.isReached;
		frozen.kill();
		await last;
	}
	await first.close();
	open.splice(open.indexOf(first), 1);

	const t = await app(dataDir);
	// What the dead server left: every byte, and no track.
	const record = JSON.parse(readFileSync(join(dataDir, 'uploads', `${id}.json`), 'utf8')) as { size: number };
	expect(record.size).toBe(shareA.byteLength);
	expect(readFileSync(join(dataDir, 'uploads', id)).byteLength).toBe(shareA.byteLength);
	expect(await t.store.trackFiles.listForConversation(conversation.id)).toEqual([]);
	return { t, ana, conversation, location, id, dataDir };
}

const deps = (t: TestApp) => ({
	env: t.env,
	store: t.store,
	clock: t.clock,
	log: silentLogger,
	media: t.media
});

async function expectConfirmedOnce(t: TestApp, ana: Person, conversationId: string, uploadId: string) {
	const tracks = await t.store.trackFiles.listForConversation(conversationId);
	expect(tracks).toEqual([
		expect.objectContaining({
			trackId: `rec1_${ana.userId}`,
			kind: 'share',
			uploadId,
			sha256: sha256Hex(shareA),
			bytes: shareA.byteLength,
			codec: 'opus'
		})
	]);
	const view = await t.request(`/api/conversations/${conversationId}/after`, { cookie: ana.cookie });
	const { myTracks } = (await view.json()) as { myTracks: { kind: string; sha256: string }[] };
	expect(myTracks).toEqual([expect.objectContaining({ kind: 'share', sha256: sha256Hex(shareA) })]);
}

describe.each(PHASES)('the server dies during the last PATCH, %s', (phase) => {
	it('and the restarted server confirms the track at boot, with no request', async () => {
		const { t, ana, conversation, id } = await strandedAt(phase);
		expect(await finishStrandedUploads(deps(t))).toEqual({ confirmed: [id], refused: [], failed: [] });
		await expectConfirmedOnce(t, ana, conversation.id, id);
		// A second boot finds nothing left to do.
		expect(await finishStrandedUploads(deps(t))).toEqual({ confirmed: [], refused: [], failed: [] });
	});

	it('and the next HEAD finishes it and answers with the checksum', async () => {
		const { t, ana, conversation, location, id } = await strandedAt(phase);
		const head = await t.app.request(location, { method: 'HEAD', headers: { ...TUS, cookie: ana.cookie } });
		expect(head.status).toBe(200);
		expect(head.headers.get('upload-offset')).toBe(String(shareA.byteLength));
		expect(head.headers.get('upload-checksum-sha256')).toBe(sha256Hex(shareA));
		await expectConfirmedOnce(t, ana, conversation.id, id);
	});

	it('and the next PATCH finishes it and answers with the checksum', async () => {
		const { t, ana, conversation, location, id } = await strandedAt(phase);
		const again = await patch(t, location, ana, shareA.byteLength, new Uint8Array());
		expect(again.status).toBe(204);
		expect(again.headers.get('upload-checksum-sha256')).toBe(sha256Hex(shareA));
		await expectConfirmedOnce(t, ana, conversation.id, id);
	});

	it('and the device’s finish request confirms it', async () => {
		const { t, ana, conversation, location, id } = await strandedAt(phase);
		const finished = await t.request(`${location}/finish`, { method: 'POST', body: {}, cookie: ana.cookie });
		expect(finished.status).toBe(200);
		expect(finished.headers.get('upload-checksum-sha256')).toBe(sha256Hex(shareA));
		expect(await finished.json()).toEqual({
			trackId: `rec1_${ana.userId}`,
			kind: 'share',
			sha256: sha256Hex(shareA)
		});
		await expectConfirmedOnce(t, ana, conversation.id, id);
	});
});

describe('finishing an upload whose bytes all arrived', () => {
	it('happens at boot of the real server (startServer), with no request', async () => {
		const { t, ana, conversation, id, dataDir } = await strandedAt('the database write fails (disk full)');
		await t.close();
		open.splice(open.indexOf(t), 1);
		const server = await startServer({
			env: loadEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ...(await testStoreEnv(dataDir)) }),
			log: silentLogger
		});
		// close() waits for the boot's work, so this is after it, not after some time.
		await server.close();
		const store = await openTestStore({ dataDir });
		try {
			const tracks = await store.trackFiles.listForConversation(conversation.id);
			expect(tracks.map((f) => [f.trackId, f.uploadId, f.sha256])).toEqual([
				[`rec1_${ana.userId}`, id, sha256Hex(shareA)]
			]);
		} finally {
			await store.close();
		}
	});

	it('confirms once when finishers race, in one server and across two over the same database', async () => {
		const { t, ana, conversation, location, id, dataDir } = await strandedAt(
			'after the hash, before the database write'
		);
		const second = await app(dataDir);
		const told = vi.spyOn(t.media, 'trackConfirmed');
		const toldSecond = vi.spyOn(second.media, 'trackConfirmed');
		const [head, finished, patched, booted, direct, elsewhere] = await Promise.all([
			t.app.request(location, { method: 'HEAD', headers: { ...TUS, cookie: ana.cookie } }),
			t.request(`${location}/finish`, { method: 'POST', body: {}, cookie: ana.cookie }),
			patch(t, location, ana, shareA.byteLength, new Uint8Array()),
			finishStrandedUploads(deps(t)),
			confirmTrack(deps(t), id),
			confirmTrack(deps(second), id)
		]);
		for (const res of [head, finished, patched])
			expect(res.headers.get('upload-checksum-sha256')).toBe(sha256Hex(shareA));
		expect(booted.failed).toEqual([]);
		expect([direct, elsewhere]).toEqual([
			expect.objectContaining({ ok: true, sha256: sha256Hex(shareA) }),
			expect.objectContaining({ ok: true, sha256: sha256Hex(shareA) })
		]);
		// One row, and the mix was told once, by whichever server wrote it.
		await expectConfirmedOnce(t, ana, conversation.id, id);
		expect(told.mock.calls.length + toldSecond.mock.calls.length).toBe(1);
	});

	it('refuses a file whose bytes went bad on the server, removes it, and says so as the app’s error', async () => {
		const { t, ana, conversation, location, id, dataDir } = await strandedAt('before the hash');
		const path = join(dataDir, 'uploads', id);
		const bytes = readFileSync(path);
		bytes[100] = (bytes[100]! + 1) % 256;
		writeFileSync(path, bytes);
		const finished = await t.request(`${location}/finish`, { method: 'POST', body: {}, cookie: ana.cookie });
		expect(finished.status).toBe(422);
		expect(await finished.json()).toMatchObject({ code: 'checksum_mismatch', requestId: expect.any(String) });
		// Gone: the device starts a new upload from the first byte.
		const head = await t.app.request(location, { method: 'HEAD', headers: { ...TUS, cookie: ana.cookie } });
		expect(head.status).toBe(404);
		expect(await t.store.trackFiles.listForConversation(conversation.id)).toEqual([]);
	});

	it('answers a failure on our side as the app’s error, logged, and keeps the upload for later', async () => {
		const { log, errors } = recordingLog();
		const { t: stranded, ana, conversation, location, id, dataDir } = await strandedAt('before the hash');
		await stranded.close();
		open.splice(open.indexOf(stranded), 1);
		const t = await app(dataDir, log);
		const freeDisk = await fillTheDisk(dataDir, 'conversation_tracks');
		// HEAD answers the status without the checksum: not confirmed (and tus-js-client does not start afresh on it).
		const head = await t.app.request(location, { method: 'HEAD', headers: { ...TUS, cookie: ana.cookie } });
		expect(head.status).toBe(200);
		expect(head.headers.get('upload-checksum-sha256')).toBeNull();
		const finished = await t.request(`${location}/finish`, { method: 'POST', body: {}, cookie: ana.cookie });
		expect(finished.status).toBe(500);
		const body = await finished.text();
		expect(JSON.parse(body)).toMatchObject({ code: 'internal', requestId: expect.any(String) });
		expect(body).not.toMatch(/disk is full|SQLITE/);
		expect(errors.filter((e) => e.message === 'finishing an upload failed').map((e) => e.data?.step)).toEqual(
			['save', 'save']
		);
		await freeDisk();
		const retried = await t.request(`${location}/finish`, { method: 'POST', body: {}, cookie: ana.cookie });
		expect(retried.status).toBe(200);
		await expectConfirmedOnce(t, ana, conversation.id, id);
	});

	it('lets only the upload’s owner ask, with the app’s JSON', async () => {
		const { t, conversation, location } = await strandedAt('before the hash');
		// Ben of another conversation: not the upload's owner.
		const { ben } = await recordedConversation(t);
		const asBen = await t.request(`${location}/finish`, { method: 'POST', body: {}, cookie: ben.cookie });
		expect(asBen.status).toBe(403);
		expect((await t.request(`${location}/finish`, { method: 'POST', body: {} })).status).toBe(401);
		expect(
			(await t.request('/uploads/not-an-id/finish', { method: 'POST', body: {}, cookie: ben.cookie })).status
		).toBe(404);
		// Not JSON: refused like every other state-changing request (a cross-site form can't send it).
		const form = await t.app.request(`${location}/finish`, {
			method: 'POST',
			headers: { cookie: ben.cookie, 'content-type': 'application/x-www-form-urlencoded' },
			body: 'a=1'
		});
		expect(form.status).toBe(403);
		expect(await t.store.trackFiles.listForConversation(conversation.id)).toEqual([]);
	});
});
