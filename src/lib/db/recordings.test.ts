import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb, type CommonGroundDb } from './db';
import {
	appendSegment,
	createTrack,
	eachSegment,
	listSegments,
	tracksOf,
	unfinishedTracks,
	updateTrack,
	type NewTrack
} from './recordings';

let db: CommonGroundDb;
let name: string;
afterEach(async () => {
	db.close();
	await indexedDB.deleteDatabase(name);
});

function open() {
	name = `recordings-${Math.random()}`;
	db = openDb(name);
	return db;
}

const track = (overrides: Partial<NewTrack> = {}): NewTrack => ({
	id: 'track-1',
	recordingId: 'rec-1',
	conversationId: 'conv-1',
	userId: 'ada',
	sampleRate: 48_000,
	startedAtServerMs: 1_000_000,
	clock: { offsetMs: 12, uncertaintyMs: 3 },
	...overrides
});

const half = (value: number) => new Int16Array(24_000).fill(value);

describe('the segment store', () => {
	it('keeps segments in order with their sample index and server time, and counts them on the track', async () => {
		open();
		await createTrack(db, track());
		for (let i = 0; i < 12; i++) {
			await appendSegment(db, 'track-1', {
				startSample: i * 24_000,
				samples: half(i),
				serverTimeMs: 1_000_000 + i * 500
			});
		}
		const segments = await listSegments(db, 'track-1');
		expect(segments.map((s) => s.seq)).toEqual([...Array(12).keys()]);
		expect(segments.map((s) => new Int16Array(s.pcm)[0])).toEqual([...Array(12).keys()]);
		expect(segments[11]).toMatchObject({
			startSample: 264_000,
			sampleCount: 24_000,
			serverTimeMs: 1_005_500
		});
		const [saved] = await tracksOf(db, 'conv-1');
		expect(saved).toMatchObject({
			sampleCount: 288_000,
			segmentCount: 12,
			endServerMs: 1_006_000,
			status: 'recording'
		});
		const visited: number[] = [];
		await eachSegment(db, 'track-1', (s) => visited.push(s.seq));
		expect(visited).toEqual([...Array(12).keys()]);
	});

	it('copies only the samples of a view, not its whole buffer', async () => {
		open();
		await createTrack(db, track());
		const big = new Int16Array(48_000).fill(7);
		await appendSegment(db, 'track-1', { startSample: 0, samples: big.subarray(0, 100), serverTimeMs: 1 });
		const [segment] = await listSegments(db, 'track-1');
		expect(segment?.pcm.byteLength).toBe(200);
	});

	it('refuses a segment that would leave a hole or overlap', async () => {
		open();
		await createTrack(db, track());
		await appendSegment(db, 'track-1', { startSample: 0, samples: half(1), serverTimeMs: 0 });
		await expect(
			appendSegment(db, 'track-1', { startSample: 0, samples: half(1).subarray(0, 100), serverTimeMs: 0 })
		).rejects.toThrow();
		await expect(
			appendSegment(db, 'track-1', { startSample: 30_000, samples: half(1), serverTimeMs: 0 })
		).rejects.toThrow();
		expect(await listSegments(db, 'track-1')).toHaveLength(1);
	});

	it('takes the last segment again as a no-op (a retried write), and saves metadata with a segment', async () => {
		open();
		await createTrack(db, track());
		const segment = { startSample: 0, samples: half(1), serverTimeMs: 5 };
		await appendSegment(db, 'track-1', segment, (t) =>
			t.dropouts.push({ atSample: 0, atServerMs: 5, missingMs: 40 })
		);
		const again = await appendSegment(db, 'track-1', segment, (t) => void (t.recoveries = 99));
		expect(again.sampleCount).toBe(24_000);
		expect(again.recoveries).toBe(0);
		expect(again.dropouts).toEqual([{ atSample: 0, atServerMs: 5, missingMs: 40 }]);
		expect(await listSegments(db, 'track-1')).toHaveLength(1);
	});

	it('keeps another track apart, and finds what was left unfinished after reopening', async () => {
		open();
		await createTrack(db, track());
		await createTrack(db, track({ id: 'track-2', recordingId: 'rec-2' }));
		await createTrack(db, track({ id: 'elsewhere', conversationId: 'conv-2' }));
		await appendSegment(db, 'track-2', { startSample: 0, samples: half(2), serverTimeMs: 0 });
		await updateTrack(db, 'track-1', (t) => {
			t.status = 'finished';
			t.index.push({ kind: 'mark', markId: 'm1', atSample: 10, atServerMs: 20 });
		});
		db.close();
		db = openDb(name); // as after a crash: a new page opening the same database
		const unfinished = await unfinishedTracks(db, 'conv-1');
		expect(unfinished.map((t) => t.id)).toEqual(['track-2']);
		expect(await listSegments(db, 'track-1')).toEqual([]);
		expect((await listSegments(db, 'track-2')).map((s) => s.trackId)).toEqual(['track-2']);
		expect((await tracksOf(db, 'conv-1')).find((t) => t.id === 'track-1')?.index).toHaveLength(1);
	});
});
