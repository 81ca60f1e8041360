import type { RecordingState } from '../contracts/call';
import type { ServerClock } from '../call/server-clock';
import { db } from '../db/db';
import { createTrack, getTrack, unfinishedTracks, updateTrack, type IndexEntry, type TrackRecord } from '../db/recordings';
import { SAMPLE_RATE, samplesToMs } from '../core/recording-timeline';
import { TrackRecorder } from '../media/recorder';

/**
 * This device's side of the recording: its track in Dexie, the recorder filling it, and the
 * unfinished track found after a crash. The room decides when to start, pause and stop; this class
 * does it and keeps what the page shows.
 */
export class LocalRecording {
	track = $state.raw<TrackRecord | undefined>();
	/** A track left unfinished when the app last closed, waiting for "continue" or "finish". */
	recovery = $state.raw<TrackRecord | undefined>();
	/** The person chose to continue `recovery`; it resumes once the call is joined. */
	continuing = $state(false);
	problem = $state<string | undefined>();
	recordedMs = $derived(this.track ? samplesToMs(this.track.sampleCount, this.track.sampleRate) : 0);
	#recorder: TrackRecorder | undefined;
	readonly #clock: ServerClock;
	readonly #conversationId: string;
	readonly #userId: string;
	readonly #saveFailed: string;

	constructor(options: { clock: ServerClock; conversationId: string; userId: string; saveFailed: string }) {
		this.#clock = options.clock;
		this.#conversationId = options.conversationId;
		this.#userId = options.userId;
		this.#saveFailed = options.saveFailed;
	}

	async findUnfinished(): Promise<void> {
		const [latest] = (await unfinishedTracks(db(), this.#conversationId)).filter((t) => t.userId === this.#userId);
		this.recovery = latest;
	}

	/** From the click that joins the call: audio may only start after a gesture. */
	async prepare(stream: MediaStream): Promise<void> {
		this.#recorder ??= new TrackRecorder({
			db: db(),
			clock: this.#clock,
			onProgress: (track) => (this.track = track),
			onError: (error) => {
				console.error('Saving the recording failed', error);
				this.problem = this.#saveFailed;
			}
		});
		await this.#recorder.prepare(stream);
	}

	get state(): RecordingState {
		const status = this.track?.status;
		return status === 'finished' ? 'stopped' : (status ?? 'idle');
	}

	async start(recordingId: string, startedAtServerMs: number): Promise<void> {
		if (!this.#recorder || this.track?.recordingId === recordingId) return;
		const track = await createTrack(db(), {
			id: `${recordingId}_${this.#userId}`,
			recordingId,
			conversationId: this.#conversationId,
			userId: this.#userId,
			sampleRate: SAMPLE_RATE,
			startedAtServerMs,
			clock: this.#clock.estimate ? { offsetMs: this.#clock.estimate.offsetMs, uncertaintyMs: this.#clock.estimate.uncertaintyMs } : null
		});
		this.track = track;
		this.#recorder.start(track);
	}

	/** Picks the unfinished track up where it ended; the gap is written down as a dropout. */
	async continueRecovered(): Promise<boolean> {
		const track = this.recovery && (await getTrack(db(), this.recovery.id));
		if (!track || !this.#recorder) return false;
		this.recovery = undefined;
		this.continuing = false;
		this.track = track;
		this.#recorder.start(track);
		return true;
	}

	async finishRecovered(): Promise<void> {
		const track = this.recovery;
		if (!track) return;
		this.recovery = undefined;
		this.continuing = false;
		await updateTrack(db(), track.id, (t) => {
			t.status = 'finished';
			t.finishedAt = Date.now();
		});
	}

	pause() {
		if (this.track?.status === 'recording') this.#recorder?.pause();
	}

	resume() {
		if (this.track?.status === 'paused') this.#recorder?.resume();
	}

	async stop(): Promise<void> {
		if (!this.track || this.track.status === 'finished') return;
		this.track = await this.#recorder?.stop();
	}

	note(entry: (atSample: number) => IndexEntry) {
		if (this.track && this.track.status !== 'finished') this.#recorder?.note(entry);
	}

	async close() {
		await this.#recorder?.close();
	}
}
