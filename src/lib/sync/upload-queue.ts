import { mayDeleteRecording, tracksToUpload, type Connection } from '../core/upload-plan';
import type { TrackKind } from '../contracts/consent';
import { AfterView } from '../contracts/consent';
import type { CommonGroundDb } from '../db/db';
import { uploadsOf } from '../db/after';
import { eachSegment, tracksOf, type TrackRecord } from '../db/recordings';
import { uploadIdOf } from '../core/track-pipeline';
import { api } from './api';
import { dispatch, openFile, reportProgress, sendFile, type EncodedFile, type TusIo } from './track-upload';

export type QueueOptions = {
	db: CommonGroundDb;
	conversationId: string;
	userId: string;
	kiosk: boolean;
	connection: () => Connection;
	io?: TusIo;
};

/**
 * The track pipeline's input after the call (issue #6, "Upload"; issue #16): for each finished
 * track of this person in one conversation, what the server lacks goes now (core/upload-plan), each
 * file through its one pipeline (sync/track-upload), and the recording is deleted only once the
 * server lists every file it may still need by checksum.
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
		const existing = await db.uploads.get(uploadIdOf(track.id, kind));
		// Nothing to make the file from (the audio went after a "no" to the archive): no row either.
		if (!existing && !(await hasAudio(db, track.id))) continue;
		const id = await openFile(db, { trackId: track.id, conversationId: track.conversationId, kind });
		await sendFile(db, id, { encode: () => encodeWhole(db, track, kind, id), io: options.io });
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

function confirmedKinds(view: AfterView, trackId: string): Set<TrackKind> {
	return new Set(view.myTracks.filter((t) => t.trackId === trackId).map((t) => t.kind));
}

/** The server lists these files by checksum: each file's machine hears it (and lets its Blob go). */
async function markConfirmed(db: CommonGroundDb, trackId: string, kinds: Set<TrackKind>) {
	for (const kind of kinds) await dispatch(db, uploadIdOf(trackId, kind), { type: 'server_confirmed' });
}

const segmentsOf = (db: CommonGroundDb, trackId: string) =>
	db.segments.where('[trackId+seq]').between([trackId, 0], [trackId, Infinity]);

async function hasAudio(db: CommonGroundDb, trackId: string): Promise<boolean> {
	return (await segmentsOf(db, trackId).count()) > 0;
}

/** Reads the track's segments into one PCM buffer and encodes the whole file. */
async function encodeWhole(
	db: CommonGroundDb,
	track: TrackRecord,
	kind: TrackKind,
	id: string
): Promise<EncodedFile | undefined> {
	const pcm = new Uint8Array(track.sampleCount * 2);
	const points: { sample: number; serverMs: number }[] = [];
	let at = 0;
	await eachSegment(db, track.id, (segment) => {
		pcm.set(new Uint8Array(segment.pcm), at);
		at += segment.pcm.byteLength;
		points.push({ sample: segment.startSample, serverMs: segment.serverTimeMs });
	});
	if (at === 0) return undefined;
	const { encodeTrack } = await import('../media/encoder');
	const started = performance.now();
	const { file, encoder } = await encodeTrack({
		pcm: pcm.subarray(0, at),
		sampleRate: track.sampleRate,
		kind,
		onProgress: (progress) => void reportProgress(db, id, progress)
	});
	return {
		kind,
		bytes: file,
		sampleRate: track.sampleRate,
		samples: at / 2,
		points,
		encoder,
		encodeMs: Math.round(performance.now() - started)
	};
}

/** Every conversation on this device with a finished recording of `userId` that is not yet fully confirmed. */
export async function conversationsToSend(db: CommonGroundDb, userId: string): Promise<string[]> {
	const tracks = await db.tracks.where('status').equals('finished').toArray();
	const ids = new Set<string>();
	for (const t of tracks) {
		if (t.userId !== userId) continue;
		const uploads = await uploadsOf(db, t.conversationId);
		const share = uploads.find((u) => u.trackId === t.id && u.kind === 'share');
		if (share?.stage !== 'confirmed' || (await hasAudio(db, t.id))) ids.add(t.conversationId);
	}
	return [...ids];
}
