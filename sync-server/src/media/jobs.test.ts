import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encode, sha256Hex, tonePcm } from '../test/audio.ts';
import { recordedConversation, type Person } from '../test/conversation.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';
import { tusUpload } from '../test/tus.ts';
import { createTranscoder, type Transcoder } from './ffmpeg.ts';

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
