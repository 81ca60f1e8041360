import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONSENT_TEXT_VERSIONS } from '../../../src/lib/core/consent.ts';
import { encode, sha256Hex, tonePcm } from '../test/audio.ts';
import { recordedConversation, type Person } from '../test/conversation.ts';
import { createTestApp, testClock, type TestApp } from '../test/harness.ts';
import { tusUpload } from '../test/tus.ts';
import { createTranscoder, type Transcoder } from './ffmpeg.ts';
import { COPY_JOB } from './jobs.ts';

let transcoder: Transcoder;
let shareA: Uint8Array;
let shareB: Uint8Array;
const apps: TestApp[] = [];

beforeAll(async () => {
	transcoder = createTranscoder();
	shareA = await encode(transcoder, tonePcm({ seconds: 6, hz: 220, beepsAt: [2] }), 'opus');
	shareB = await encode(transcoder, tonePcm({ seconds: 5, hz: 330, beepsAt: [1] }), 'opus');
}, 120_000);
afterAll(() => transcoder.close());
afterEach(async () => {
	for (const app of apps.splice(0)) await app.close();
});

function upload(t: TestApp, id: string, who: Person, bytes: Uint8Array, startedAtServerMs: string) {
	return tusUpload(t, who.cookie, bytes, {
		conversationId: id,
		trackId: `rec1_${who.userId}`,
		kind: 'share',
		sha256: sha256Hex(bytes),
		durationMs: String(bytes === shareA ? 6000 : 5000),
		startedAtServerMs,
		samplesPerSecond: '48000'
	});
}

describe('media jobs after a crash', () => {
	it('a mix cut off mid-job runs again when a new server boots over the same DATA_DIR', async () => {
		const first = await createTestApp({ keepDataDir: true });
		const { dataDir } = first;
		const { ana, ben, conversation } = await recordedConversation(first);
		const id = conversation.id;
		await upload(first, id, ana, shareA, '1000000');
		await upload(first, id, ben, shareB, '1001000');
		await first.media.idle();
		const copyPath = join(dataDir, 'copies', `${id}.opus`);
		expect(existsSync(copyPath)).toBe(true);

		// The crash: the job had started ("mixing" saved) and was writing when the process died, so
		// only a half-written temporary file is on disk and no copy.
		const whole = readFileSync(copyPath);
		rmSync(copyPath);
		writeFileSync(`${copyPath}.partial`, whole.subarray(0, whole.byteLength >> 1));
		await first.store.copies.save({
			conversationId: id,
			status: 'mixing',
			filePath: null,
			sha256: null,
			bytes: null,
			durationMs: null,
			error: null,
			notifiedAt: null,
			now: first.clock()
		});
		await first.close();

		const second = await createTestApp({ dataDir });
		apps.push(second);
		expect(await second.media.resumeInterrupted()).toBe(1);
		await second.media.idle();
		const copy = await second.store.copies.find(id);
		expect(copy?.status).toBe('ready');
		const bytes = readFileSync(copyPath);
		expect(copy?.bytes).toBe(bytes.byteLength);
		expect(copy?.sha256).toBe(sha256Hex(bytes));
		expect(bytes.subarray(0, 4).toString('latin1')).toBe('OggS');
		// A starts at 1000 s for 6 s, B 1 s later for 5 s: the copy spans 6 s, as before the crash.
		expect(Math.abs((copy?.durationMs ?? 0) - 6000)).toBeLessThan(100);
		expect(existsSync(`${copyPath}.partial`)).toBe(false);

		// Idempotent: a whole copy is left alone on the next boot.
		expect(await second.media.resumeInterrupted()).toBe(0);
	}, 120_000);

	it('a copy row marked ready whose file is gone is mixed again; one with a single track is not', async () => {
		const t = await createTestApp();
		apps.push(t);
		const { ana, ben, conversation } = await recordedConversation(t);
		const lonely = await recordedConversation(t);
		await upload(t, conversation.id, ana, shareA, '1000000');
		await upload(t, conversation.id, ben, shareB, '1001000');
		await upload(t, lonely.conversation.id, lonely.ana, shareA, '1000000');
		await t.media.idle();
		rmSync(join(t.dataDir, 'copies', `${conversation.id}.opus`));

		expect(await t.media.resumeInterrupted()).toBe(1);
		await t.media.idle();
		expect(existsSync(join(t.dataDir, 'copies', `${conversation.id}.opus`))).toBe(true);
		expect(await t.store.copies.find(lonely.conversation.id)).toBeUndefined();
	}, 120_000);
});

/**
 * A conversation whose copy is mixed (a file under copies/) and to which both said yes, but whose
 * people were not told yet: what the store holds when the copy job was asked for and the instance
 * died before it ran. No audio is needed: the job's mix step finds no tracks and leaves the copy be.
 */
async function copyWaitingToBeAnnounced(t: TestApp) {
	const { ana, ben, conversation } = await recordedConversation(t);
	const filePath = `copies/${conversation.id}.opus`;
	mkdirSync(join(t.dataDir, 'copies'), { recursive: true });
	writeFileSync(join(t.dataDir, filePath), 'OggS');
	const now = t.clock();
	await t.store.copies.save({
		conversationId: conversation.id,
		status: 'ready',
		filePath,
		sha256: sha256Hex(new TextEncoder().encode('OggS')),
		bytes: 4,
		durationMs: 1000,
		error: null,
		notifiedAt: null,
		now
	});
	for (const who of [ana, ben])
		await t.store.consents.record({
			id: crypto.randomUUID(),
			conversationId: conversation.id,
			userId: who.userId,
			kind: 'copy',
			answer: 'yes',
			textVersion: CONSENT_TEXT_VERSIONS.copy,
			decidedAt: now.toISOString(),
			language: 'en',
			archiveFields: null,
			now
		});
	return { ana, ben, conversation };
}

const mailedTo = async (t: TestApp) => (await t.store.mail.list({ limit: 10 })).map((m) => m.to).sort();

describe('media jobs across instances (issue #17)', () => {
	it('a copy job asked for just before a crash runs when the next server boots', async () => {
		const time = testClock();
		const first = await createTestApp({ keepDataDir: true, clock: time.clock });
		const { dataDir } = first;
		const { ana, ben, conversation } = await copyWaitingToBeAnnounced(first);
		// What consentChanged writes, durable before the answer; the process dies before running it.
		await first.store.jobs.enqueue({ kind: COPY_JOB, key: conversation.id, now: first.clock() });
		await first.close();

		const second = await createTestApp({ dataDir, clock: time.clock });
		apps.push(second);
		// The boot scan finds nothing to mix again: it is the durable job that is taken over.
		expect(await second.media.resumeInterrupted()).toBe(0);
		await second.media.idle();
		expect(await mailedTo(second)).toEqual([ana.email, ben.email].sort());
		expect((await second.store.copies.find(conversation.id))?.notifiedAt).not.toBeNull();
		expect((await second.store.jobs.find(COPY_JOB, conversation.id))?.state).toBe('done');
	});

	it('two instances over one store, both asked at once, tell both people once', async () => {
		const time = testClock();
		const a = await createTestApp({ clock: time.clock });
		// The second instance closes first and leaves the store and DATA_DIR to the first.
		const b = await createTestApp({ dataDir: a.dataDir, keepDataDir: true, clock: time.clock });
		apps.push(b, a);
		const { ana, ben, conversation } = await copyWaitingToBeAnnounced(a);
		await Promise.all([a, b, a, b].map((t) => t.media.consentChanged(conversation.id)));
		await Promise.all([a.media.idle(), b.media.idle()]);
		expect(await mailedTo(a)).toEqual([ana.email, ben.email].sort());
	});

	it("a killed instance's copy job is taken over once its lease expires, and run once", async () => {
		const time = testClock();
		const t = await createTestApp({ clock: time.clock });
		apps.push(t);
		const { ana, ben, conversation } = await copyWaitingToBeAnnounced(t);
		await t.store.jobs.enqueue({ kind: COPY_JOB, key: conversation.id, now: t.clock() });
		// Another instance claimed it and was killed: its lease runs for a minute more.
		await t.store.jobs.claim({
			kinds: [COPY_JOB],
			holder: 'killed-instance',
			now: t.clock(),
			leaseUntil: new Date(t.clock().getTime() + 60_000)
		});
		expect(await t.media.resumeInterrupted()).toBe(0);
		await t.media.idle();
		expect(await mailedTo(t)).toEqual([]);

		time.advanceMinutes(2);
		t.media.wake();
		await t.media.idle();
		expect(await mailedTo(t)).toEqual([ana.email, ben.email].sort());

		// Running it again (another boot, a late duplicate) tells nobody twice.
		await t.media.consentChanged(conversation.id);
		await t.media.idle();
		expect(await mailedTo(t)).toHaveLength(2);
	});
});
