import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probeAudio } from '../../../src/lib/core/audio-container.ts';
import { beepsAt, encode, shareTrackFile, tonePcm } from '../test/audio.ts';
import { diskBlobStore } from './blob-store.ts';
import { produceCopy } from './copy-job.ts';
import { createTranscoder } from './ffmpeg.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

// Both transcoders: the wasm one once crashed on every stereo Opus encode (see WASM_STEREO_OPUS).
const kinds = (['system', 'wasm'] as const).filter((k) => createTranscoder({ prefer: k }).kind === k);

describe.each(kinds)('produceCopy with the %s ffmpeg', (kind) => {
	const transcoder = createTranscoder({ prefer: kind });
	afterAll(() => transcoder.close());

	it('streams an aligned stereo Opus copy into DATA_DIR/copies', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'cg-copy-'));
		dirs.push(dataDir);
		// A starts at 1000 s with a beep 2 s in; B starts 1.25 s later with its beep 0.75 s in: the
		// same moment. Longer than one rendered chunk (5 s), so the chunks must join up.
		const a = await encode(transcoder, tonePcm({ seconds: 12, hz: 220, beepsAt: [2] }), 'opus');
		const b = await encode(transcoder, tonePcm({ seconds: 11, hz: 330, beepsAt: [0.75] }), 'opus');
		writeFileSync(join(dataDir, 'a.opus'), a);
		writeFileSync(join(dataDir, 'b.opus'), b);

		const copy = await produceCopy({ blobs: diskBlobStore(dataDir), transcoder }, 'conv1', [
			shareTrackFile('a.opus', { startedAtServerMs: 1_000_000 }),
			shareTrackFile('b.opus', { startedAtServerMs: 1_001_250 })
		]);

		expect(copy.filePath).toBe(join('copies', 'conv1.opus'));
		const bytes = new Uint8Array(readFileSync(join(dataDir, copy.filePath)));
		expect(bytes.byteLength).toBe(copy.bytes);
		const probe = probeAudio(bytes.subarray(0, 4096), bytes.subarray(-65536));
		expect(probe).toMatchObject({ ok: true, info: { codec: 'opus', channels: 2 } });
		// A ends at 1012 s, B at 1012.25 s: the copy spans 12.25 s.
		expect(Math.abs(copy.durationMs - 12_250)).toBeLessThan(30);
		// The loud beeps hold the gain below -16 LUFS: lifting the tones any further would clip them.
		expect(copy.loudness).toBeLessThan(-15.9);
		expect(copy.loudness).toBeGreaterThan(-25);
		const [left, right] = await beepsAt(transcoder, bytes);
		expect(Math.abs((left ?? 0) - 2)).toBeLessThan(0.02);
		expect(Math.abs((right ?? 0) - 2)).toBeLessThan(0.02);
	}, 120_000);
});
