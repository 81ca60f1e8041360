import Dexie from 'dexie';
import { KIOSK_CHUNK_BYTES, type SealedRecordingManifest, type VisitorGrant } from '../contracts/kiosk';
import { fitClock, type ClockPoint } from '../core/clock-fit';
import type { UploadKind } from '../core/upload-plan';
import type { CommonGroundDb } from '../db/db';
import type { TrackRecord } from '../db/recordings';
import type { KioskDb, QueueRecord, RecordingQueueRecord } from './device-db';
import { encryptPart, newSealingKey, seal, type SealingKey } from './seal';

/** How many half-second segments are read from IndexedDB at a time: memory stays near one chunk. */
const SEGMENTS_PER_READ = 8;

export async function sha256Hex(bytes: ArrayBuffer | Uint8Array): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', bytes as BufferSource);
	return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The checksum of a whole sealed recording: SHA-256 over its chunks' hex SHA-256s, in order. */
export const checksumOfChunks = (chunkHashes: readonly string[]) =>
	sha256Hex(new TextEncoder().encode(chunkHashes.join('')));

/** Label bound into each chunk's AES-GCM tag: a chunk can't be moved to another item or place. */
export const chunkLabel = (itemId: string, seq: number) => `${itemId}:chunk:${seq}`;

/** Kinds the server has not confirmed for this track (the master is filed only if the archive is agreed). */
async function wantedKinds(appDb: CommonGroundDb, trackId: string): Promise<UploadKind[]> {
	const kinds: UploadKind[] = [];
	for (const kind of ['share', 'master'] as const)
		if ((await appDb.uploads.get(`${trackId}:${kind}`))?.stage !== 'confirmed') kinds.push(kind);
	return kinds;
}

/**
 * Moves every recording on this device that the server still needs into the kiosk's queue (issue
 * #7): the raw PCM in chunks of about 1 MiB, each AES-GCM-sealed under one fresh key that is wrapped
 * for the server and then forgotten, and a sealed manifest naming the visitor. The queue record is
 * written last, so a crash half-way leaves only unreferenced chunks and the original still in place.
 */
export async function sealRecordings({
	appDb,
	kiosk,
	serverPublicJwk,
	visitor
}: {
	appDb: CommonGroundDb;
	kiosk: KioskDb;
	serverPublicJwk: JsonWebKey;
	visitor: VisitorGrant | undefined;
}): Promise<number> {
	let sealed = 0;
	for (const track of await appDb.tracks.toArray()) {
		const wanted = await wantedKinds(appDb, track.id);
		if (wanted.length === 0) continue;
		const id = crypto.randomUUID();
		const sealingKey = await newSealingKey({ serverPublicJwk });
		const audio = await sealAudio({ appDb, kiosk, track, id, sealingKey });
		if (!audio) continue;
		const manifest: SealedRecordingManifest = {
			type: 'recording',
			// Without a grant the server can't tell whose it is: it refuses it, and it stays sealed in the queue.
			visitor: visitor?.userId === track.userId ? visitor : { userId: track.userId, grant: null },
			track: {
				id: track.id,
				conversationId: track.conversationId,
				sampleRate: track.sampleRate,
				sampleCount: audio.sampleCount,
				...audio.fit
			},
			wanted,
			chunkCount: audio.hashes.length
		};
		const item = await seal({ id, plain: JSON.stringify(manifest), serverPublicJwk, sealingKey });
		const record: RecordingQueueRecord = {
			...item,
			kind: 'recording',
			chunkCount: audio.hashes.length,
			sha256: await checksumOfChunks(audio.hashes),
			// After the visitor's sealed mutations, so a consent given here is applied first.
			createdAt: Date.now() + 1,
			attempts: 0
		};
		await kiosk.queue.put(record as QueueRecord);
		sealed += 1;
	}
	return sealed;
}

async function sealAudio({
	appDb,
	kiosk,
	track,
	id,
	sealingKey
}: {
	appDb: CommonGroundDb;
	kiosk: KioskDb;
	track: TrackRecord;
	id: string;
	sealingKey: SealingKey;
}) {
	const hashes: string[] = [];
	const points: ClockPoint[] = [];
	let pending: Uint8Array[] = [];
	let pendingBytes = 0;
	let sampleCount = 0;
	const flush = async () => {
		if (pendingBytes === 0) return;
		const plain = new Uint8Array(pendingBytes);
		let at = 0;
		for (const part of pending) {
			plain.set(part, at);
			at += part.byteLength;
		}
		pending = [];
		pendingBytes = 0;
		const { iv, ciphertext } = await encryptPart({
			key: sealingKey.key,
			label: chunkLabel(id, hashes.length),
			plain
		});
		const sealed = new Uint8Array(iv.byteLength + ciphertext.byteLength);
		sealed.set(iv);
		sealed.set(new Uint8Array(ciphertext), iv.byteLength);
		const sha256 = await sha256Hex(sealed);
		await kiosk.chunks.put({ itemId: id, seq: hashes.length, sealed: sealed.buffer, sha256 });
		hashes.push(sha256);
	};
	let nextSeq = 0;
	for (;;) {
		// Read a few segments per query, outside any transaction (crypto would end it).
		const batch = await appDb.segments
			.where('[trackId+seq]')
			.between([track.id, nextSeq], [track.id, Dexie.maxKey])
			.limit(SEGMENTS_PER_READ)
			.toArray();
		if (batch.length === 0) break;
		for (const segment of batch) {
			// Never over the chunk size: the server refuses larger chunks.
			if (pendingBytes + segment.pcm.byteLength > KIOSK_CHUNK_BYTES) await flush();
			points.push({ sample: segment.startSample, serverMs: segment.serverTimeMs });
			pending.push(new Uint8Array(segment.pcm));
			pendingBytes += segment.pcm.byteLength;
			sampleCount += segment.pcm.byteLength / 2;
			nextSeq = segment.seq + 1;
		}
	}
	await flush();
	if (hashes.length === 0) return undefined;
	return { hashes, sampleCount, fit: fitClock(points, track.sampleRate) };
}
