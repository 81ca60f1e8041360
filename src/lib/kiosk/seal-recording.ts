import * as v from 'valibot';
import { AfterView, TrackKind } from '../contracts/consent';
import {
	KIOSK_CHUNK_BYTES,
	type SealedFile,
	type SealedFileKind,
	type SealedRecordingManifest,
	type VisitorGrant
} from '../contracts/kiosk';
import { fitClock, type ClockPoint } from '../core/clock-fit';
import type { CommonGroundDb } from '../db/db';
import { eachSegment, type TrackRecord } from '../db/recordings';
import { api } from '../sync/api';
import type { KioskDb, QueueRecord, RecordingQueueRecord } from './device-db';
import { encryptPart, newSealingKey, seal, type SealingKey } from './seal';

export async function sha256Hex(bytes: ArrayBuffer | Uint8Array): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', bytes as BufferSource);
	return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The checksum of a whole sealed recording: SHA-256 over its chunks' hex SHA-256s, in order. */
export const checksumOfChunks = (chunkHashes: readonly string[]) =>
	sha256Hex(new TextEncoder().encode(chunkHashes.join('')));

/** Label bound into each chunk's AES-GCM tag: a chunk can't be moved to another item or place. */
export const chunkLabel = (itemId: string, seq: number) => `${itemId}:chunk:${seq}`;

/**
 * Encodes one track from 16-bit little-endian mono PCM. In the app: the app's own encoder,
 * media/encoder.ts (kiosk/app-encoder.ts); the server's tests give one that runs system ffmpeg.
 */
export type SealEncoder = (input: {
	pcm: Uint8Array;
	sampleRate: number;
	kind: TrackKind;
}) => Promise<Uint8Array>;

/**
 * How long a track's encoding may take at Finish before the raw recording is sealed instead: 15 s
 * (loading the encoder) plus a quarter of the audio's length, i.e. at least 4× realtime. The app's
 * encoders run 20–100× realtime; slower means something is stuck, and the visitor is waiting.
 */
export const encodeTimeoutMs = (durationMs: number) => 15_000 + durationMs / 4;

export type ArchiveAnswer = 'yes' | 'no' | 'withdrawn' | null;

/**
 * What a track is sealed as (issue #16). `wanted`: the kinds the server has not confirmed. The share
 * track always; the FLAC master only if the visitor agreed to the archive, as far as anyone can tell
 * at Finish (`archive`: the answer given on this kiosk, else the server's; undefined when offline
 * with no answer here, which counts as not agreed). The server still files a master only if it
 * holds a yes when it opens the item, as before.
 *
 * The rule that keeps it lossless: a track is sealed either all encoded or all raw. If any of its
 * encodings fails, gives nothing, or takes longer than `encodeTimeoutMs`, the raw PCM is sealed
 * instead, alone, and the server encodes from it what it files (same settings, core/encoder-settings).
 */
export async function filesToSeal({
	pcm,
	sampleRate,
	wanted,
	archive,
	encode,
	timeoutMs = encodeTimeoutMs((pcm.byteLength / 2 / sampleRate) * 1000)
}: {
	pcm: Uint8Array;
	sampleRate: number;
	wanted: readonly TrackKind[];
	archive: ArchiveAnswer | undefined;
	encode: SealEncoder;
	timeoutMs?: number;
}): Promise<{ kind: SealedFileKind; bytes: Uint8Array }[]> {
	const kinds = wanted.filter((kind) => kind === 'share' || archive === 'yes');
	if (kinds.length === 0) return [];
	const files: { kind: SealedFileKind; bytes: Uint8Array }[] = [];
	for (const kind of kinds) {
		let timer: ReturnType<typeof setTimeout> | undefined;
		try {
			const bytes = await Promise.race([
				encode({ pcm, sampleRate, kind }),
				new Promise<never>((_, reject) => {
					timer = setTimeout(
						() => reject(new Error(`encoding took over ${Math.round(timeoutMs)} ms`)),
						timeoutMs
					);
				})
			]);
			if (bytes.byteLength === 0) throw new Error('the encoder gave an empty file');
			files.push({ kind, bytes });
		} catch (error) {
			console.warn(`The kiosk could not encode the ${kind} track; sealing the raw recording instead`, error);
			return [{ kind: 'pcm', bytes: pcm }];
		} finally {
			clearTimeout(timer);
		}
	}
	return files;
}

/** Kinds the server has not confirmed for this track (as far as this device knows). */
async function wantedKinds(appDb: CommonGroundDb, trackId: string): Promise<TrackKind[]> {
	const kinds: TrackKind[] = [];
	for (const kind of TrackKind.options)
		if ((await appDb.uploads.get(`${trackId}:${kind}`))?.stage !== 'confirmed') kinds.push(kind);
	return kinds;
}

/**
 * The visitor's latest answer about the archive: the one given on this device if there is one
 * (it may not have reached the server yet), else the server's; undefined when neither can tell.
 */
async function archiveAnswerOf(
	appDb: CommonGroundDb,
	conversationId: string
): Promise<ArchiveAnswer | undefined> {
	const local = (await appDb.consents.where('conversationId').equals(conversationId).toArray())
		.filter((c) => c.payload.kind === 'archive' && c.status !== 'rejected')
		.sort((a, b) => a.payload.decidedAt.localeCompare(b.payload.decidedAt))
		.at(-1);
	if (local) return local.payload.answer;
	const view = await api(`/api/conversations/${encodeURIComponent(conversationId)}/after`, {
		schema: v.object({ archive: AfterView.entries.archive })
	});
	return view.ok ? view.data.archive.mine : undefined;
}

/**
 * Moves every recording on this device that the server still needs into the kiosk's queue (issues
 * #7, #16): encoded with the app's own encoder (filesToSeal says what, and when the raw PCM goes
 * instead), in chunks of at most 1 MiB, each AES-GCM-sealed under one fresh key that is wrapped for
 * the server and then forgotten, and a sealed manifest naming the visitor and the files.
 *
 * Nothing is deleted here: the caller wipes the visitor's data only after this resolves. The queue
 * record is written last, so a tab that dies half-way leaves only unreferenced chunks (dropped on
 * the next load, queue.ts) and the original recording still in place, to be sealed at the next Finish.
 */
export async function sealRecordings({
	appDb,
	kiosk,
	serverPublicJwk,
	visitor,
	encode,
	archiveAnswer = archiveAnswerOf
}: {
	appDb: CommonGroundDb;
	kiosk: KioskDb;
	serverPublicJwk: JsonWebKey;
	visitor: VisitorGrant | undefined;
	encode: SealEncoder;
	archiveAnswer?: (appDb: CommonGroundDb, conversationId: string) => Promise<ArchiveAnswer | undefined>;
}): Promise<number> {
	let sealed = 0;
	for (const track of await appDb.tracks.toArray()) {
		const wanted = await wantedKinds(appDb, track.id);
		if (wanted.length === 0) continue;
		const recording = await readRecording(appDb, track);
		if (!recording) continue;
		const files = await filesToSeal({
			pcm: recording.pcm,
			sampleRate: track.sampleRate,
			wanted,
			archive: await archiveAnswer(appDb, track.conversationId),
			encode
		});
		if (files.length === 0) continue;
		const id = crypto.randomUUID();
		const sealingKey = await newSealingKey({ serverPublicJwk });
		const hashes: string[] = [];
		const described: SealedFile[] = [];
		for (const file of files) {
			const chunkCount = await sealFile({ kiosk, id, sealingKey, bytes: file.bytes, hashes });
			described.push({
				kind: file.kind,
				chunkCount,
				bytes: file.bytes.byteLength,
				sha256: await sha256Hex(file.bytes)
			});
		}
		const manifest: SealedRecordingManifest = {
			type: 'recording',
			// Without a grant the server can't tell whose it is: it refuses it, and it stays sealed in the queue.
			visitor: visitor?.userId === track.userId ? visitor : { userId: track.userId, grant: null },
			track: {
				id: track.id,
				conversationId: track.conversationId,
				sampleRate: track.sampleRate,
				sampleCount: recording.sampleCount,
				...recording.fit
			},
			wanted,
			chunkCount: hashes.length,
			files: described
		};
		const item = await seal({ id, plain: JSON.stringify(manifest), serverPublicJwk, sealingKey });
		const record: RecordingQueueRecord = {
			...item,
			kind: 'recording',
			chunkCount: hashes.length,
			sha256: await checksumOfChunks(hashes),
			// After the visitor's sealed mutations, so a consent given here is applied first.
			createdAt: Date.now() + 1,
			attempts: 0
		};
		await kiosk.queue.put(record as QueueRecord);
		sealed += 1;
	}
	return sealed;
}

/** The track's PCM in one buffer, its length in samples and its clock fit; undefined if it has no audio. */
async function readRecording(appDb: CommonGroundDb, track: TrackRecord) {
	const parts: Uint8Array[] = [];
	const points: ClockPoint[] = [];
	let bytes = 0;
	await eachSegment(appDb, track.id, (segment) => {
		points.push({ sample: segment.startSample, serverMs: segment.serverTimeMs });
		parts.push(new Uint8Array(segment.pcm));
		bytes += segment.pcm.byteLength;
	});
	if (bytes === 0) return undefined;
	const pcm = new Uint8Array(bytes);
	let at = 0;
	for (const part of parts) {
		pcm.set(part, at);
		at += part.byteLength;
	}
	return { pcm, sampleCount: bytes / 2, fit: fitClock(points, track.sampleRate) };
}

/** Seals one file as the item's next chunks (never over KIOSK_CHUNK_BYTES each); returns how many. */
async function sealFile({
	kiosk,
	id,
	sealingKey,
	bytes,
	hashes
}: {
	kiosk: KioskDb;
	id: string;
	sealingKey: SealingKey;
	bytes: Uint8Array;
	hashes: string[];
}): Promise<number> {
	let count = 0;
	for (let at = 0; at < bytes.byteLength; at += KIOSK_CHUNK_BYTES) {
		const seq = hashes.length;
		const { iv, ciphertext } = await encryptPart({
			key: sealingKey.key,
			label: chunkLabel(id, seq),
			plain: bytes.subarray(at, at + KIOSK_CHUNK_BYTES)
		});
		const sealed = new Uint8Array(iv.byteLength + ciphertext.byteLength);
		sealed.set(iv);
		sealed.set(new Uint8Array(ciphertext), iv.byteLength);
		const sha256 = await sha256Hex(sealed);
		await kiosk.chunks.put({ itemId: id, seq, sealed: sealed.buffer, sha256 });
		hashes.push(sha256);
		count += 1;
	}
	return count;
}
