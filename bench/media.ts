import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTranscoder } from '../sync-server/src/media/ffmpeg.ts';
import { diskBlobStore } from '../sync-server/src/media/blob-store.ts';
import { produceCopy } from '../sync-server/src/media/copy-job.ts';
import type { TrackFile } from '../sync-server/src/store/types.ts';
import type { Figure } from './figure';

const SECONDS = 60;

/** 60 s of espeak-ng speech as 48 kHz mono 16-bit PCM (made now; no checked-in audio). */
function speech(dir: string, voice: string): Uint8Array {
	const wav = join(dir, `${voice}.wav`);
	const raw = join(dir, `${voice}.raw`);
	execFileSync('espeak-ng', [
		'-v',
		voice,
		'-w',
		wav,
		'We talked about our schools, our work, and the town we both love. Then we talked about faith.'
	]);
	execFileSync('sox', [
		wav,
		'-r',
		'48000',
		'-c',
		'1',
		'-b',
		'16',
		'-e',
		'signed-integer',
		'-t',
		'raw',
		raw,
		'repeat',
		'30',
		'trim',
		'0',
		String(SECONDS)
	]);
	return new Uint8Array(readFileSync(raw));
}

/**
 * Issue #6: the server mixdown of two 60 s share tracks (the server job, system ffmpeg where there is
 * one). Encoding speed and the share track's size are measured in Chromium (bench/after-call.ts).
 */
export async function mediaFigures(): Promise<Figure[]> {
	const dir = mkdtempSync(join(tmpdir(), 'cg-bench-media-'));
	const server = createTranscoder();
	try {
		const input = ['-f', 's16le', '-ar', '48000', '-ac', '1', '-i', 'in.raw'];
		const opus = (
			await server.run(
				[...input, '-c:a', 'libopus', '-b:a', '24k', '-ac', '1', 'a.opus'],
				{ 'in.raw': speech(dir, 'en-us') },
				['a.opus']
			)
		)['a.opus'];
		const other = (
			await server.run(
				[...input, '-c:a', 'libopus', '-b:a', '24k', '-ac', '1', 'b.opus'],
				{ 'in.raw': speech(dir, 'en-gb') },
				['b.opus']
			)
		)['b.opus'];
		writeFileSync(join(dir, 'a.opus'), opus ?? new Uint8Array());
		writeFileSync(join(dir, 'b.opus'), other ?? new Uint8Array());
		const track = (file: string, userId: string, start: number): TrackFile => ({
			id: file,
			conversationId: 'bench',
			userId,
			trackId: file,
			kind: 'share',
			uploadId: file,
			filePath: file,
			sha256: '',
			bytes: 0,
			codec: 'opus',
			durationMs: SECONDS * 1000,
			startedAtServerMs: start,
			samplesPerSecond: 48000,
			confirmedAt: ''
		});
		const started = performance.now();
		await produceCopy({ blobs: diskBlobStore(dir), transcoder: server }, 'bench', [
			track('a.opus', 'a', 1_000_000),
			track('b.opus', 'b', 1_001_300)
		]);
		const mixSeconds = (performance.now() - started) / 1000;

		return [
			{
				name: 'mixdown_x_realtime',
				value: Math.round((SECONDS / mixSeconds) * 10) / 10,
				unit: `× realtime (${server.kind} ffmpeg)`,
				goal: 'report'
			}
		];
	} finally {
		await server.close();
		rmSync(dir, { recursive: true, force: true });
	}
}
