import Dexie from 'dexie';
import type { CommonGroundDb, SegmentRecord, TrackRecord } from './records';

export type { IndexEntry, SegmentRecord, TrackRecord, TrackStatus } from './records';

export type NewTrack = Pick<
	TrackRecord,
	'id' | 'recordingId' | 'conversationId' | 'userId' | 'sampleRate' | 'startedAtServerMs' | 'clock'
>;

export async function createTrack(
	db: CommonGroundDb,
	input: NewTrack,
	now = Date.now()
): Promise<TrackRecord> {
	const track: TrackRecord = {
		...input,
		format: 'pcm_s16le',
		channels: 1,
		status: 'recording',
		sampleCount: 0,
		segmentCount: 0,
		endServerMs: input.startedAtServerMs,
		dropouts: [],
		pauses: [],
		index: [],
		recoveries: 0,
		createdAt: now,
		updatedAt: now
	};
	await db.tracks.add(track);
	return track;
}

/**
 * Saves one captured segment and the track's counters in one transaction, so after a crash the
 * counters always match the segments; `change` updates the track's metadata in the same
 * transaction (a dropout found at this segment). Segments must arrive in order without gaps in
 * sample index. The last segment saved again is a no-op: a write tried again after its transaction
 * committed but its answer was lost (issue #15).
 */
export async function appendSegment(
	db: CommonGroundDb,
	trackId: string,
	segment: { startSample: number; samples: Int16Array; serverTimeMs: number },
	change?: (track: TrackRecord) => void
): Promise<TrackRecord> {
	return db.transaction('rw', db.tracks, db.segments, async () => {
		const track = await db.tracks.get(trackId);
		if (!track) throw new Error(`No track ${trackId} to append to`);
		const count = segment.samples.length;
		if (segment.startSample !== track.sampleCount) {
			const last = await db.segments.get([trackId, track.segmentCount - 1]);
			const saved =
				last?.startSample === segment.startSample &&
				last.sampleCount === count &&
				last.serverTimeMs === segment.serverTimeMs;
			if (saved) return track;
			throw new Error(`Segment starts at sample ${segment.startSample}, track has ${track.sampleCount}`);
		}
		const pcm = segment.samples.buffer.slice(
			segment.samples.byteOffset,
			segment.samples.byteOffset + segment.samples.byteLength
		) as ArrayBuffer;
		await db.segments.add({
			trackId,
			seq: track.segmentCount,
			startSample: segment.startSample,
			sampleCount: count,
			serverTimeMs: segment.serverTimeMs,
			pcm
		});
		const updated: TrackRecord = {
			...track,
			sampleCount: track.sampleCount + count,
			segmentCount: track.segmentCount + 1,
			endServerMs: segment.serverTimeMs + (count / track.sampleRate) * 1000,
			updatedAt: Date.now()
		};
		change?.(updated);
		await db.tracks.put(updated);
		return updated;
	});
}

/** Changes a track's metadata (status, dropouts, index, pauses) in one transaction. */
export async function updateTrack(
	db: CommonGroundDb,
	trackId: string,
	change: (track: TrackRecord) => void
): Promise<TrackRecord> {
	return db.transaction('rw', db.tracks, async () => {
		const track = await db.tracks.get(trackId);
		if (!track) throw new Error(`No track ${trackId}`);
		change(track);
		track.updatedAt = Date.now();
		await db.tracks.put(track);
		return track;
	});
}

export function getTrack(db: CommonGroundDb, trackId: string): Promise<TrackRecord | undefined> {
	return db.tracks.get(trackId);
}

/** A track's segments in order. For long tracks prefer `eachSegment`, which holds one at a time. */
export function listSegments(db: CommonGroundDb, trackId: string): Promise<SegmentRecord[]> {
	return segmentsOf(db, trackId).toArray();
}

/** Visits a track's segments in order without loading the whole track into memory. */
export function eachSegment(
	db: CommonGroundDb,
	trackId: string,
	visit: (segment: SegmentRecord) => void
): Promise<void> {
	return segmentsOf(db, trackId).each(visit);
}

function segmentsOf(db: CommonGroundDb, trackId: string) {
	return db.segments.where('[trackId+seq]').between([trackId, Dexie.minKey], [trackId, Dexie.maxKey]);
}

/** Tracks that were being recorded when the app last closed: the ones to offer to continue or finish. */
export async function unfinishedTracks(db: CommonGroundDb, conversationId: string): Promise<TrackRecord[]> {
	const tracks = await db.tracks.where('conversationId').equals(conversationId).toArray();
	return tracks.filter((t) => t.status !== 'finished').sort((a, b) => b.updatedAt - a.updatedAt);
}

export function tracksOf(db: CommonGroundDb, conversationId: string): Promise<TrackRecord[]> {
	return db.tracks.where('conversationId').equals(conversationId).sortBy('createdAt');
}
