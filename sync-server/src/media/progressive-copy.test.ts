import {
	appendFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../log.ts';
import type { TrackFile } from '../store/types.ts';
import { beepsAt as beepsIn, encode, shareTrackFile, tonePcm } from '../test/audio.ts';
import { diskBlobStore } from './blob-store.ts';
import { produceCopy } from './copy-job.ts';
import { createTranscoder, type Transcoder } from './ffmpeg.ts';
import { ProgressiveCopy, progressivePath, type LiveVoice } from './progressive-copy.ts';

const RATE = 48_000;
const dirs: string[] = [];
let transcoder: Transcoder;
let shareA: Uint8Array;
let shareB: Uint8Array;
// The copy mixed during the call needs the system ffmpeg (it decodes and encodes from pipes).
const system = createTranscoder().kind === 'system';

beforeAll(async () => {
	transcoder = createTranscoder();
	// A starts at 1000 s with a beep 12 s in; B starts 1.25 s later with its beep 10.75 s in: the same moment.
	shareA = await encode(transcoder, tonePcm({ seconds: 24, hz: 220, beepsAt: [12] }), 'opus');
	shareB = await encode(transcoder, tonePcm({ seconds: 23, hz: 330, beepsAt: [10.75] }), 'opus');
}, 120_000);
afterAll(async () => {
	await transcoder.close();
	dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function dataDir(): string {
	const dir = mkdtempSync(join(tmpdir(), 'cg-progressive-'));
	dirs.push(dir);
	mkdirSync(join(dir, 'uploads'));
	return dir;
}

const voices: [LiveVoice, LiveVoice] = [
	{ uploadId: 'a', fit: { startedAtServerMs: 1_000_000, samplesPerSecond: RATE } },
	{ uploadId: 'b', fit: { startedAtServerMs: 1_001_250, samplesPerSecond: RATE } }
];
const track = (name: string, startedAtServerMs: number, durationMs: number) =>
	shareTrackFile(name, { filePath: join('uploads', name), startedAtServerMs, durationMs });
const tracks: [TrackFile, TrackFile] = [track('a', 1_000_000, 24_000), track('b', 1_001_250, 23_000)];
const beepsAt = (copy: Uint8Array) => beepsIn(transcoder, copy);

/** The uploads grow as a live upload's PATCHes would write them: `parts` pieces of each, in turn. */
async function trickle(dir: string, copy: ProgressiveCopy, parts: number, upTo = parts) {
	for (let k = 0; k < upTo; k++) {
		for (const [name, bytes] of [
			['a', shareA],
			['b', shareB]
		] as const) {
			const size = Math.ceil(bytes.length / parts);
			appendFileSync(join(dir, 'uploads', name), bytes.subarray(k * size, (k + 1) * size));
		}
		await copy.grew();
	}
}

describe.runIf(system)('the copy mixed during the call', () => {
	it('is the whole-file mix: aligned, as long, as loud; renamed into place whole at the end', async () => {
		const dir = dataDir();
		writeFileSync(join(dir, 'uploads', 'a'), new Uint8Array());
		writeFileSync(join(dir, 'uploads', 'b'), new Uint8Array());
		const copy = await ProgressiveCopy.start(
			{ dataDir: dir, log: silentLogger, blobs: diskBlobStore(dir) },
			'conv1',
			voices
		);
		await trickle(dir, copy, 7);
		// Nothing under the copy's name until the end; the temporary file is being written.
		expect(existsSync(join(dir, 'copies', 'conv1.opus'))).toBe(false);
		const mixed = await copy.finish(tracks);
		expect(mixed).toBeDefined();
		expect(existsSync(progressivePath(dir, 'conv1'))).toBe(false);
		const bytes = new Uint8Array(readFileSync(join(dir, mixed!.filePath)));
		expect(bytes.byteLength).toBe(mixed!.bytes);

		const whole = await produceCopy({ blobs: diskBlobStore(dir), transcoder }, 'whole', tracks);
		expect(Math.abs(mixed!.durationMs - whole.durationMs)).toBeLessThanOrEqual(1);
		// The whole-file mix lowers everything for the beep it knows of; the mix made during the call
		// learns of it only 12 s in and holds it with the limiter, so it ends nearer -16 LUFS, never above.
		expect(mixed!.loudness).toBeGreaterThan(whole.loudness - 1);
		expect(mixed!.loudness).toBeLessThan(-15.5);
		const [left, right] = await beepsAt(bytes);
		const [wholeLeft, wholeRight] = await beepsAt(new Uint8Array(readFileSync(join(dir, whole.filePath))));
		expect(Math.abs(left! - 12)).toBeLessThan(0.02);
		expect(Math.abs(right! - 12)).toBeLessThan(0.02);
		expect(Math.abs(left! - wholeLeft!)).toBeLessThan(0.002);
		expect(Math.abs(right! - wholeRight!)).toBeLessThan(0.002);
	}, 120_000);

	it('a crash mid-call leaves no readable copy, and a mix begun again from the first byte makes it', async () => {
		const dir = dataDir();
		writeFileSync(join(dir, 'uploads', 'a'), new Uint8Array());
		writeFileSync(join(dir, 'uploads', 'b'), new Uint8Array());
		const first = await ProgressiveCopy.start(
			{ dataDir: dir, log: silentLogger, blobs: diskBlobStore(dir) },
			'conv2',
			voices
		);
		await trickle(dir, first, 7, 4);
		// The server dies: its ffmpegs with it. Only the temporary file is left, never the copy.
		await first.abort();
		expect(readdirSync(join(dir, 'copies'))).toEqual([]);

		// The new server's mix starts when the next bytes arrive, from the first byte on disk.
		const again = await ProgressiveCopy.start(
			{ dataDir: dir, log: silentLogger, blobs: diskBlobStore(dir) },
			'conv2',
			voices
		);
		for (const [name, bytes] of [
			['a', shareA],
			['b', shareB]
		] as const)
			writeFileSync(join(dir, 'uploads', name), bytes);
		await again.grew();
		const mixed = await again.finish(tracks);
		expect(mixed).toBeDefined();
		expect(readdirSync(join(dir, 'copies'))).toEqual(['conv2.opus']);
		const [left, right] = await beepsAt(new Uint8Array(readFileSync(join(dir, mixed!.filePath))));
		expect(Math.abs(left! - 12)).toBeLessThan(0.02);
		expect(Math.abs(right! - 12)).toBeLessThan(0.02);
	}, 120_000);

	it('says no, and leaves nothing, when the declared start or the upload is not what it mixed', async () => {
		const dir = dataDir();
		writeFileSync(join(dir, 'uploads', 'a'), shareA);
		writeFileSync(join(dir, 'uploads', 'b'), shareB);
		// Mixed as the bytes came (no lag), B placed where its first segments said.
		const moved = await ProgressiveCopy.start(
			{ dataDir: dir, log: silentLogger, blobs: diskBlobStore(dir), lagSamples: 0 },
			'conv3',
			voices
		);
		await moved.grew();
		await vi.waitFor(() => expect(moved.rendered).toBeGreaterThan(0), { timeout: 30_000 });
		// B's fit over the whole call puts it 40 ms later than its first segments did.
		const later = { ...tracks[1], startedAtServerMs: 1_001_290 };
		expect(await moved.finish([tracks[0], later])).toBeUndefined();
		expect(readdirSync(join(dir, 'copies'))).toEqual([]);
		// With the usual lag, 24 s of audio is all still to place at the end: the declared fits place it.
		const waited = await ProgressiveCopy.start(
			{ dataDir: dir, log: silentLogger, blobs: diskBlobStore(dir) },
			'conv3',
			voices
		);
		await waited.grew();
		expect(await waited.finish([tracks[0], later])).toMatchObject({ filePath: 'copies/conv3.opus' });
		rmSync(join(dir, 'copies', 'conv3.opus'));

		const resent = await ProgressiveCopy.start(
			{ dataDir: dir, log: silentLogger, blobs: diskBlobStore(dir) },
			'conv3',
			voices
		);
		await resent.grew();
		// B's tab died mid-call: its track came whole after the call, as another upload.
		expect(await resent.finish([tracks[0], { ...tracks[1], uploadId: 'b2' }])).toBeUndefined();
		expect(readdirSync(join(dir, 'copies'))).toEqual([]);
	}, 120_000);
});
