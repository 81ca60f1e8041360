import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { TrackKind } from '../../../src/lib/contracts/consent.ts';
import { probeAudio, type AudioInfo } from '../../../src/lib/core/audio-container.ts';

export type Verified =
	{ ok: true; sha256: string; bytes: number; info: AudioInfo } | { ok: false; reason: string };

const EXPECTED_CODEC: Record<TrackKind, AudioInfo['codec']> = { share: 'opus', master: 'flac' };

/**
 * The server's checks before it accepts a finished upload (issue #6): the bytes hash to what the
 * client computed, and the file is audio of the expected codec and about the declared length.
 * Also fsyncs the file: the client deletes its copy once we say yes, so ours must be on disk.
 */
export async function verifyUpload(
	path: string,
	expected: { sha256: string; kind: TrackKind; durationMs: number }
): Promise<Verified> {
	const handle = await open(path, 'r+');
	let head: Uint8Array;
	let tail: Uint8Array;
	const { size } = await stat(path);
	try {
		await handle.sync();
		head = await readAt(handle, 0, Math.min(size, 4096));
		const tailLength = Math.min(size, 65536);
		tail = await readAt(handle, size - tailLength, tailLength);
	} finally {
		await handle.close();
	}
	const sha256 = await hashFile(path);
	if (sha256 !== expected.sha256) return { ok: false, reason: 'checksum' };
	const probe = probeAudio(head, tail);
	if (!probe.ok) return { ok: false, reason: probe.reason };
	if (probe.info.codec !== EXPECTED_CODEC[expected.kind]) {
		return {
			ok: false,
			reason: `a ${probe.info.codec} file where ${EXPECTED_CODEC[expected.kind]} was expected`
		};
	}
	// Encoders pad a few milliseconds; anything beyond a second or 2 % means a different recording.
	const tolerance = Math.max(1000, expected.durationMs * 0.02);
	if (probe.info.durationMs < 200 || Math.abs(probe.info.durationMs - expected.durationMs) > tolerance) {
		return {
			ok: false,
			reason: `${Math.round(probe.info.durationMs)} ms of audio where ${expected.durationMs} ms was declared`
		};
	}
	return { ok: true, sha256, bytes: size, info: probe.info };
}

async function readAt(handle: Awaited<ReturnType<typeof open>>, position: number, length: number) {
	const buffer = new Uint8Array(length);
	await handle.read(buffer, 0, length, position);
	return buffer;
}

export async function hashFile(path: string): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
	return hash.digest('hex');
}
