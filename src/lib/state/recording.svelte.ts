import type { RecordingState } from '../contracts/call';
import type { ServerClock } from '../call/server-clock';
import { db } from '../db/db';
import {
	createTrack,
	getTrack,
	unfinishedTracks,
	updateTrack,
	type IndexEntry,
	type TrackRecord
} from '../db/recordings';
import { SAMPLE_RATE, samplesToMs } from '../core/recording-timeline';
import type { RecorderHealth } from '../core/recorder-health';
import type { SharedRecording } from '../core/shared-recording';
import { trackIdFor } from '../core/track-id';
import { openMicrophone } from '../media/microphone';
import { TrackRecorder } from '../media/recorder';
import { uploadBudgetBps, type LinkReading } from '../core/upload-pacing';
import { isEnrolledKiosk } from '../kiosk/device-db';
import { LiveShareUpload } from '../sync/live-upload';

type LocalState = 'recording' | 'paused' | 'stopped';

/**
 * This device's side of the recording: its track in Dexie, the recorder filling it, and the
 * unfinished track found after a crash. The room says what the shared recording is doing
 * (`follow`); this class brings the recorder there and keeps what the page shows. The recorder's
 * state is kept here synchronously, not read back from the track's row, whose writes lag behind:
 * a pause and a resume a moment apart must both take effect (issue #15).
 */
export class LocalRecording {
	track = $state.raw<TrackRecord | undefined>();
	/** A track left unfinished when the app last closed, waiting for "continue" or "finish". */
	recovery = $state.raw<TrackRecord | undefined>();
	/** The person chose to continue `recovery`; it resumes once the call is joined. */
	continuing = $state(false);
	problem = $state<string | undefined>();
	/** After "stop": the share track's last page and file are still being written (a second or so). */
	finishing = $state(false);
	recordedMs = $derived(this.track ? samplesToMs(this.track.sampleCount, this.track.sampleRate) : 0);
	/** Whether saving keeps up (issue #15); the room refreshes it with its timer. */
	health = $state.raw<RecorderHealth>({ state: 'ok', behindMs: 0 });
	#recorder: TrackRecorder | undefined;
	/** What this device's recorder is doing, set as each step is taken (the page reads it through `state`). */
	#local = $state<LocalState | undefined>();
	#desired: SharedRecording | undefined;
	#converging: Promise<void> | undefined;
	/**
	 * The track pipeline's input during the call (sync/live-upload): the recorder hands it each
	 * segment itself; this class only starts and finishes it.
	 */
	#live: LiveShareUpload | undefined;
	/** What the call's link looks like now, for pacing that upload (the room reads it every 2 s). */
	linkReading: LinkReading | undefined;
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
		const [latest] = (await unfinishedTracks(db(), this.#conversationId)).filter(
			(t) => t.userId === this.#userId
		);
		this.recovery = latest;
	}

	/** From the click that joins the call: audio may only start after a gesture. */
	async prepare(stream: MediaStream): Promise<void> {
		const deviceId = stream.getAudioTracks()[0]?.getSettings().deviceId;
		this.#recorder ??= new TrackRecorder({
			db: db(),
			clock: this.#clock,
			onProgress: (track) => (this.track = track),
			onError: () => (this.problem = this.#saveFailed),
			onRecovered: () => (this.problem = undefined),
			reopenMicrophone: async () => {
				const opened = await openMicrophone(deviceId);
				return opened.ok ? opened.stream : undefined;
			}
		});
		await this.#recorder.prepare(stream);
		this.follow(this.#desired);
	}

	/**
	 * Brings this device's recorder to what the room's shared recording is doing: started, paused,
	 * resumed or stopped, in order, whatever arrives while a step is under way. A recording this
	 * device has no track of yet (it joined late) is started here too, unless an unfinished track
	 * of it waits for the person to continue or finish it.
	 */
	follow(shared: SharedRecording | undefined) {
		this.#desired = shared;
		this.#converging ??= this.#converge().finally(() => (this.#converging = undefined));
	}

	/** Recomputed by the room every tick; compared, so the page only changes when it does. */
	checkHealth() {
		const next = this.#recorder?.health() ?? { state: 'ok', behindMs: 0 };
		const now = this.health;
		if (next.state !== now.state || Math.abs(next.behindMs - now.behindMs) >= 1_000) this.health = next;
	}

	async #converge() {
		for (;;) {
			const want = this.#desired;
			const settled = await this.#step(want);
			if (settled && want === this.#desired) return;
		}
	}

	/** One step towards `want`; true when there is nothing (more) to do. */
	async #step(want: SharedRecording | undefined): Promise<boolean> {
		const recorder = this.#recorder;
		if (!want || !recorder) return true;
		if (this.track?.recordingId !== want.id) {
			if (want.state === 'stopped') return true;
			if (this.continuing || this.recovery?.recordingId === want.id) return true;
			// An older recording still going here ends first; then this one starts. Either step that
			// makes no progress (the track can't be made) ends the loop instead of spinning.
			if (this.track && this.#local !== 'stopped') {
				await this.stop();
				return this.state !== 'stopped';
			}
			await this.start(want.id, want.startedAtServerMs);
			return this.track?.recordingId !== want.id;
		}
		if (want.state === 'stopped') {
			if (this.#local !== 'stopped') await this.stop();
		} else if (want.state === 'paused' && this.#local === 'recording') {
			this.#local = 'paused';
			recorder.pause();
		} else if (want.state === 'recording' && this.#local === 'paused') {
			this.#local = 'recording';
			recorder.resume();
		}
		return true;
	}

	get state(): RecordingState {
		return this.#local ?? (this.track?.status === 'finished' ? 'stopped' : 'idle');
	}

	async start(recordingId: string, startedAtServerMs: number): Promise<void> {
		if (!this.#recorder || this.track?.recordingId === recordingId) return;
		let track: TrackRecord;
		try {
			track = await createTrack(db(), {
				id: trackIdFor(recordingId, this.#userId),
				recordingId,
				conversationId: this.#conversationId,
				userId: this.#userId,
				sampleRate: SAMPLE_RATE,
				startedAtServerMs,
				clock: this.#clock.estimate
					? { offsetMs: this.#clock.estimate.offsetMs, uncertaintyMs: this.#clock.estimate.uncertaintyMs }
					: null
			});
		} catch (error) {
			// This device already has a track of that recording (finished after a crash, say).
			console.error('The recording could not be started on this device', error);
			this.problem = this.#saveFailed;
			return;
		}
		this.#local = 'recording';
		this.track = track;
		// Not on a kiosk: there the recording is sealed for the visitor when they finish (issue #7).
		// Anything that goes wrong there only means the share track goes after the call, as before.
		this.#live = new LiveShareUpload({
			db: db(),
			track,
			budget: () => uploadBudgetBps(this.linkReading, performance.now()),
			allowed: async () => !(await isEnrolledKiosk())
		});
		this.#recorder.start(track, this.#live);
	}

	/** Picks the unfinished track up where it ended; the gap is written down as a dropout. */
	async continueRecovered(): Promise<boolean> {
		const track = this.recovery && (await getTrack(db(), this.recovery.id));
		if (!track || !this.#recorder) return false;
		this.recovery = undefined;
		this.continuing = false;
		this.track = track;
		this.#local = track.status === 'paused' ? 'paused' : 'recording';
		this.#recorder.start(track);
		if (this.#local === 'paused') this.#recorder.pause();
		this.follow(this.#desired);
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

	async stop(): Promise<void> {
		if (!this.track || this.#local === 'stopped' || this.track.status === 'finished') return;
		this.#local = 'stopped';
		this.track = await this.#recorder?.stop();
		const live = this.#live;
		this.#live = undefined;
		if (live && (await live.running())) {
			this.finishing = true;
			await live.finish().catch((error: unknown) => live.abandon(error));
			this.finishing = false;
		}
		// The share track goes now, from the room, whatever the consent (the copy needs it first).
		const { uploads } = await import('./uploads.svelte');
		uploads.kick();
	}

	/**
	 * Whether the share track, going up during the call, is held back now to leave the call the
	 * bandwidth (core/upload-pacing gives it nothing): the room says so (issue #18).
	 */
	async uploadHeldForCall(now: number): Promise<boolean> {
		const live = this.#live;
		return live !== undefined && uploadBudgetBps(this.linkReading, now) === 0 && (await live.running());
	}

	note(entry: (atSample: number) => IndexEntry) {
		if (this.track && this.track.status !== 'finished') this.#recorder?.note(entry);
	}

	async close() {
		// Left mid-recording: the track is finished later ("continue" or "finish"); it goes after that.
		this.#desired = undefined;
		await this.#converging;
		this.#live?.abandon(new Error('the room was closed'));
		this.#live = undefined;
		await this.#recorder?.close();
	}
}
