import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { TMP } from './paths';

export const RATE = 48_000;

/**
 * A spoken track made at test time (espeak-ng + sox, no checked-in audio): `seconds` of 48 kHz mono
 * 16-bit speech with a 100 ms 1 kHz tone at `toneAtSecond`. Both people's tracks carry the tone at
 * the same server time, so the copy's alignment can be measured.
 */
export function speechPcm({
	text,
	voice,
	seconds,
	toneAtSecond
}: {
	text: string;
	voice: string;
	seconds: number;
	toneAtSecond: number;
}): Int16Array {
	const dir = mkdtempSync(join(TMP, 'speech-'));
	const wav = join(dir, 'speech.wav');
	const raw = join(dir, 'speech.raw');
	execFileSync('espeak-ng', ['-v', voice, '-s', '150', '-w', wav, text]);
	// Repeat the phrase to fill the length, then cut it exactly.
	execFileSync('sox', [
		wav,
		'-r',
		String(RATE),
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
		String(seconds)
	]);
	const bytes = readFileSync(raw);
	const pcm = new Int16Array(seconds * RATE);
	pcm.set(
		new Int16Array(bytes.buffer, bytes.byteOffset, Math.min(pcm.length, Math.floor(bytes.byteLength / 2)))
	);
	const start = Math.round(toneAtSecond * RATE);
	for (let i = 0; i < RATE / 10; i++)
		pcm[start + i] = Math.round(24000 * Math.sin((2 * Math.PI * 1000 * i) / RATE));
	return pcm;
}

/**
 * Puts a finished recording into this browser's IndexedDB exactly as the recorder (issue #5) leaves
 * it after "stop": a track record and 0.5 s segments stamped with server time.
 */
export async function storeFinishedTrack(
	page: Page,
	input: {
		conversationId: string;
		userId: string;
		recordingId: string;
		startedAtServerMs: number;
		pcm: Int16Array;
		/** Loop `pcm` in the page up to this many seconds (long tracks without shipping them whole). */
		seconds?: number;
	}
) {
	const base64 = Buffer.from(input.pcm.buffer, input.pcm.byteOffset, input.pcm.byteLength).toString('base64');
	await page.evaluate(
		async ({ base64, conversationId, userId, recordingId, startedAtServerMs, rate, seconds }) => {
			const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
			const clip = new Int16Array(bytes.buffer);
			const samples = seconds ? new Int16Array(Math.round(seconds * rate)) : clip;
			for (let at = clip === samples ? samples.length : 0; at < samples.length; at += clip.length)
				samples.set(clip.subarray(0, samples.length - at), at);
			const open = indexedDB.open('common-ground');
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				open.onsuccess = () => resolve(open.result);
				open.onerror = () => reject(open.error);
			});
			const id = `${recordingId}_${userId}`;
			const per = rate / 2;
			const tx = db.transaction(['tracks', 'segments'], 'readwrite');
			let seq = 0;
			for (let start = 0; start < samples.length; start += per, seq++) {
				const chunk = samples.slice(start, start + per);
				tx.objectStore('segments').put({
					trackId: id,
					seq,
					startSample: start,
					sampleCount: chunk.length,
					serverTimeMs: startedAtServerMs + (start / rate) * 1000,
					pcm: chunk.buffer
				});
			}
			const endServerMs = startedAtServerMs + (samples.length / rate) * 1000;
			tx.objectStore('tracks').put({
				id,
				recordingId,
				conversationId,
				userId,
				format: 'pcm_s16le',
				sampleRate: rate,
				channels: 1,
				status: 'finished',
				startedAtServerMs,
				sampleCount: samples.length,
				segmentCount: seq,
				endServerMs,
				dropouts: [],
				pauses: [],
				index: [],
				clock: { offsetMs: 0, uncertaintyMs: 5 },
				recoveries: 0,
				createdAt: Date.now(),
				updatedAt: Date.now(),
				finishedAt: Date.now()
			});
			await new Promise<void>((resolve, reject) => {
				tx.oncomplete = () => resolve();
				tx.onerror = () => reject(tx.error);
			});
			db.close();
		},
		{
			base64,
			conversationId: input.conversationId,
			userId: input.userId,
			recordingId: input.recordingId,
			startedAtServerMs: input.startedAtServerMs,
			rate: RATE,
			seconds: input.seconds
		}
	);
}

/** Decodes the copy with the system ffmpeg (a test-only tool) into left and right channels. */
export function decodeStereo(file: string): { left: Float32Array; right: Float32Array } {
	const raw = execFileSync(
		'ffmpeg',
		['-loglevel', 'error', '-i', file, '-f', 's16le', '-ac', '2', '-ar', String(RATE), '-'],
		{ maxBuffer: 256 * 1024 * 1024 }
	);
	const samples = new Int16Array(raw.buffer, raw.byteOffset, Math.floor(raw.byteLength / 2));
	const left = new Float32Array(samples.length / 2);
	const right = new Float32Array(samples.length / 2);
	for (let i = 0; i < left.length; i++) {
		left[i] = (samples[2 * i] ?? 0) / 32768;
		right[i] = (samples[2 * i + 1] ?? 0) / 32768;
	}
	return { left, right };
}

/** Where the 1 kHz tone starts in a channel, in ms: the first 10 ms window that is almost purely 1 kHz. */
export function toneOnsetMs(channel: Float32Array): number {
	const win = RATE / 100;
	for (let start = 0; start + win <= channel.length; start += win / 4) {
		let re = 0;
		let im = 0;
		let energy = 0;
		for (let i = 0; i < win; i++) {
			const x = channel[start + i] ?? 0;
			re += x * Math.cos((2 * Math.PI * 1000 * i) / RATE);
			im += x * Math.sin((2 * Math.PI * 1000 * i) / RATE);
			energy += x * x;
		}
		// For a pure tone (re² + im²) / (win / 2) equals the window's energy; speech is far from it.
		if (energy > 1e-3 && (re * re + im * im) / (win / 2) > 0.9 * energy) return (start / RATE) * 1000;
	}
	return -1;
}

export function rms(channel: Float32Array): number {
	let sum = 0;
	for (const x of channel) sum += x * x;
	return Math.sqrt(sum / Math.max(1, channel.length));
}

/** One upload record as the app keeps it in IndexedDB (src/lib/db/after.ts), the fields tests read. */
export type LocalUpload = {
	kind: string;
	stage: string;
	sha256?: string;
	bytes?: number;
	encoder?: string;
	encodeMs?: number;
};

/** This device's upload records, straight from IndexedDB. */
export function localUploads(page: Page): Promise<LocalUpload[]> {
	return page.evaluate(async () => {
		const open = indexedDB.open('common-ground');
		const db = await new Promise<IDBDatabase>((r) => (open.onsuccess = () => r(open.result)));
		const all = db.transaction('uploads').objectStore('uploads').getAll();
		const rows = await new Promise<LocalUpload[]>((r) => (all.onsuccess = () => r(all.result as never)));
		db.close();
		return rows;
	});
}
