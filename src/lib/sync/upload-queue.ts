import { fitClock } from '../core/clock-fit';
import { mayDeleteRecording, tracksToUpload, type Connection, type UploadKind } from '../core/upload-plan';
import { AfterView } from '../contracts/consent';
import type { CommonGroundDb } from '../db/db';
import { saveUpload, uploadsOf, type UploadRecord } from '../db/after';
import { eachSegment, tracksOf, type TrackRecord } from '../db/recordings';
import * as v from 'valibot';
import type { FileReader, HttpStack } from 'tus-js-client';
import { CONFIRMED_CHECKSUM_HEADER, UploadFinished } from '../contracts/uploads';
import { api } from './api';
import { settleLiveUpload } from './live-upload';

/** 256 KiB: a few seconds per request on a 3G uplink, so a lost connection costs at most that much again. */
export const CHUNK_BYTES = 256 * 1024;

export type QueueOptions = {
	db: CommonGroundDb;
	conversationId: string;
	userId: string;
	kiosk: boolean;
	connection: () => Connection;
};

/**
 * Sends this person's finished recording of one conversation (issue #6, "Upload"): encode, upload
 * over tus (resuming from the URL kept in Dexie), then ask the server what it confirmed by checksum
 * before deleting anything local.
 */
export async function sendRecording(options: QueueOptions): Promise<void> {
	const { db, conversationId, userId } = options;
	const tracks = (await tracksOf(db, conversationId)).filter(
		(t) => t.userId === userId && t.status === 'finished'
	);
	for (const track of tracks) await sendTrack(options, track);
}

async function sendTrack(options: QueueOptions, track: TrackRecord): Promise<void> {
	const { db, conversationId } = options;
	let view = await fetchView(conversationId);
	if (!view) return;
	const confirmed = confirmedKinds(view, track.id);
	await markConfirmed(db, track.id, confirmed);
	const plan = tracksToUpload({
		archiveConsented: view.archive.mine === 'yes',
		kiosk: options.kiosk,
		connection: options.connection(),
		confirmed
	});
	for (const kind of plan) {
		const record = await ensureEncoded(db, track, kind);
		if (!record) continue;
		await upload(db, record);
		view = (await fetchView(conversationId)) ?? view;
		await markConfirmed(db, track.id, confirmedKinds(view, track.id));
	}
	const finalConfirmed = confirmedKinds(view, track.id);
	if (mayDeleteRecording({ confirmed: finalConfirmed, archiveAnswer: view.archive.mine })) {
		// Only now: the server holds, verified, every file we may still need (DESIGN.md, "Data that must never be lost").
		await db.segments.where('[trackId+seq]').between([track.id, 0], [track.id, Infinity]).delete();
	}
}

async function fetchView(conversationId: string): Promise<AfterView | undefined> {
	const answer = await api(`/api/conversations/${encodeURIComponent(conversationId)}/after`, {
		schema: AfterView
	});
	return answer.ok ? answer.data : undefined;
}

function confirmedKinds(view: AfterView, trackId: string): Set<UploadKind> {
	return new Set(view.myTracks.filter((t) => t.trackId === trackId).map((t) => t.kind));
}

async function markConfirmed(db: CommonGroundDb, trackId: string, kinds: Set<UploadKind>) {
	for (const kind of kinds) {
		const id = `${trackId}:${kind}`;
		const existing = await db.uploads.get(id);
		if (existing && existing.stage !== 'confirmed')
			await saveUpload(db, id, { stage: 'confirmed', progress: 1, blob: undefined, error: undefined });
	}
}

/** Reads the track's segments into one PCM buffer and encodes it, keeping the file in Dexie until confirmed. */
async function ensureEncoded(
	db: CommonGroundDb,
	track: TrackRecord,
	kind: UploadKind
): Promise<UploadRecord | undefined> {
	const id = `${track.id}:${kind}`;
	// Sent during the call: wait for it to end, and drop it if its tab died before the last page.
	await settleLiveUpload(db, id, track.id);
	const existing = await db.uploads.get(id);
	if (existing?.blob && existing.sha256) return existing;
	const pcm = new Uint8Array(track.sampleCount * 2);
	const points: { sample: number; serverMs: number }[] = [];
	let at = 0;
	await eachSegment(db, track.id, (segment) => {
		pcm.set(new Uint8Array(segment.pcm), at);
		at += segment.pcm.byteLength;
		points.push({ sample: segment.startSample, serverMs: segment.serverTimeMs });
	});
	if (at === 0) return undefined;
	const base = {
		id,
		trackId: track.id,
		conversationId: track.conversationId,
		kind,
		progress: 0,
		updatedAt: Date.now()
	};
	await db.uploads.put({ ...existing, ...base, stage: 'encoding' });
	const { encodeTrack, sha256Hex, MIME } = await import('../media/encoder');
	const encodeStarted = performance.now();
	const { file: encoded, encoder } = await encodeTrack({
		pcm: pcm.subarray(0, at),
		sampleRate: track.sampleRate,
		kind,
		onProgress: (progress) => void saveUpload(db, id, { progress })
	});
	const encodeMs = Math.round(performance.now() - encodeStarted);
	const fit = fitClock(points, track.sampleRate);
	const record: UploadRecord = {
		...base,
		stage: 'uploading',
		blob: new Blob([encoded as BlobPart], { type: MIME[kind] }),
		sha256: await sha256Hex(encoded),
		bytes: encoded.byteLength,
		durationMs: Math.round((at / 2 / track.sampleRate) * 1000),
		startedAtServerMs: fit.startedAtServerMs,
		samplesPerSecond: fit.samplesPerSecond,
		encoder,
		encodeMs,
		progress: 0
	};
	await db.uploads.put(record);
	return record;
}

/** Where tus-js-client sends its requests and reads the file (tests give their own; the browser's by default). */
export type TusIo = {
	httpStack?: HttpStack;
	fileReader?: FileReader;
	/** For POST …/finish and the declaration. */
	fetcher?: typeof fetch;
};

/**
 * Sends one encoded file over tus and resolves with whether the server confirmed it, by this
 * file's checksum (issue #16). "Every byte arrived" is not that: tus-js-client reports success
 * without sending anything when the server already has the whole file, even one it never filed as
 * the track (the server died, or its database write failed, during the last PATCH). Then the
 * server is asked to finish the upload; if it can't (its copy is gone or bad), the file goes again
 * as a new upload, from the first byte.
 */
export async function upload(
	db: CommonGroundDb,
	given: UploadRecord,
	io: TusIo = {}
): Promise<'confirmed' | 'not_confirmed'> {
	let record = given;
	const blob = record.blob;
	if (!blob || !record.sha256) return 'not_confirmed';
	await saveUpload(db, record.id, { stage: 'uploading', error: undefined });
	if (record.deferredLength && record.uploadUrl) {
		const declared = await declare(record.uploadUrl, record, io.fetcher);
		if (declared === 'offline') {
			await saveUpload(db, record.id, { stage: 'failed', error: 'offline' });
			return 'not_confirmed';
		}
		if (declared === 'gone') record = await startAfresh(db, record);
	}
	let sent = await sendOverTus(db, record, blob, io);
	if (sent.ok && sent.checksum !== record.sha256 && sent.url) {
		const finished = await finish(sent.url, record, io.fetcher);
		if (finished === 'confirmed') sent = { ...sent, checksum: record.sha256 };
		else if (finished === 'again') sent = await sendOverTus(db, await startAfresh(db, record), blob, io);
	}
	if (!sent.ok) return 'not_confirmed';
	if (sent.checksum !== record.sha256) {
		// Every byte is there but not filed yet (the server says so): the runner asks again later.
		await saveUpload(db, record.id, { stage: 'failed', error: 'not_confirmed' });
		return 'not_confirmed';
	}
	await saveUpload(db, record.id, { stage: 'confirmed', progress: 1, blob: undefined, error: undefined });
	return 'confirmed';
}

/** The server no longer has a usable copy of this upload: the next one is new, from the first byte. */
async function startAfresh(db: CommonGroundDb, record: UploadRecord): Promise<UploadRecord> {
	await saveUpload(db, record.id, { uploadUrl: undefined, deferredLength: undefined });
	return { ...record, uploadUrl: undefined, deferredLength: undefined };
}

type Sent = { ok: true; checksum: string | undefined; url: string | undefined } | { ok: false };

/** One tus upload: resolves when tus-js-client is done, with the checksum the server confirmed, if it said one. */
async function sendOverTus(db: CommonGroundDb, record: UploadRecord, blob: Blob, io: TusIo): Promise<Sent> {
	const { Upload } = await import('tus-js-client');
	return new Promise<Sent>((resolve) => {
		const tus: InstanceType<typeof Upload> = new Upload(blob, {
			endpoint: '/uploads',
			uploadUrl: record.uploadUrl ?? null,
			uploadLengthDeferred: record.deferredLength === true,
			chunkSize: CHUNK_BYTES,
			retryDelays: [0, 1000, 3000, 5000],
			storeFingerprintForResuming: false,
			...(io.httpStack ? { httpStack: io.httpStack } : {}),
			...(io.fileReader ? { fileReader: io.fileReader } : {}),
			metadata: {
				conversationId: record.conversationId,
				trackId: record.trackId,
				kind: record.kind,
				sha256: record.sha256 ?? '',
				durationMs: String(record.durationMs ?? 0),
				startedAtServerMs: String(record.startedAtServerMs ?? 0),
				samplesPerSecond: String(record.samplesPerSecond ?? 48000)
			},
			onUploadUrlAvailable: () => void saveUpload(db, record.id, { uploadUrl: tus.url ?? undefined }),
			onProgress: (sent, total) => {
				const of = total || record.bytes;
				void saveUpload(db, record.id, { progress: of ? sent / of : 0 });
			},
			// The last PATCH's answer, or the HEAD's when the server already had every byte.
			onSuccess: ({ lastResponse }) =>
				resolve({
					ok: true,
					checksum: lastResponse.getHeader(CONFIRMED_CHECKSUM_HEADER) ?? undefined,
					url: tus.url ?? undefined
				}),
			onError: (error) => {
				const status = 'originalResponse' in error ? error.originalResponse?.getStatus() : undefined;
				// The server refused the file itself (changed on the way, or not audio): make and send it afresh.
				const startOver = status === 460 || status === 422;
				void saveUpload(db, record.id, {
					stage: 'failed',
					error: String(status ?? 'offline'),
					...(startOver
						? { uploadUrl: undefined, blob: undefined, sha256: undefined, deferredLength: undefined }
						: {})
				}).then(() => resolve({ ok: false }));
			}
		});
		tus.start();
	});
}

/**
 * Asks the server to finish an upload that has every byte but no confirmation. 'again': it can't
 * (the upload is gone, incomplete, or its bytes fail the checks, and it was removed), so the file
 * goes again from the first byte; 'later': offline, signed out, or the server failed (it says so
 * and logs it), so the runner asks again.
 */
async function finish(
	uploadUrl: string,
	record: UploadRecord,
	fetcher?: typeof fetch
): Promise<'confirmed' | 'again' | 'later'> {
	const answer = await api(`${uploadUrl}/finish`, {
		method: 'POST',
		body: {},
		schema: UploadFinished,
		fetcher
	});
	if (answer.ok) return answer.data.sha256 === record.sha256 ? 'confirmed' : 'again';
	return [400, 404, 409, 410, 422].includes(answer.status) ? 'again' : 'later';
}

/**
 * Tells the server, before the last bytes of an upload made during the call, what the whole file
 * is: its checksum and length of audio, which its checks need and the start of the upload could
 * not yet say. 'gone': the server has no such upload any more.
 */
async function declare(
	uploadUrl: string,
	record: UploadRecord,
	fetcher?: typeof fetch
): Promise<'ok' | 'gone' | 'offline'> {
	const answer = await api(`${uploadUrl}/declaration`, {
		method: 'PUT',
		fetcher,
		schema: v.null(),
		body: {
			sha256: record.sha256,
			durationMs: String(record.durationMs ?? 0),
			startedAtServerMs: String(record.startedAtServerMs ?? 0),
			samplesPerSecond: String(record.samplesPerSecond ?? 48000)
		}
	});
	if (answer.ok || answer.status === 409) return 'ok';
	if (answer.status === 404) return 'gone';
	return 'offline';
}

/** Every conversation on this device with a finished recording of `userId` that is not yet fully confirmed. */
export async function conversationsToSend(db: CommonGroundDb, userId: string): Promise<string[]> {
	const tracks = await db.tracks.where('status').equals('finished').toArray();
	const ids = new Set<string>();
	for (const t of tracks) {
		if (t.userId !== userId) continue;
		const uploads = await uploadsOf(db, t.conversationId);
		const share = uploads.find((u) => u.trackId === t.id && u.kind === 'share');
		const hasAudio =
			(await db.segments.where('[trackId+seq]').between([t.id, 0], [t.id, Infinity]).count()) > 0;
		if (share?.stage !== 'confirmed' || hasAudio) ids.add(t.conversationId);
	}
	return [...ids];
}
