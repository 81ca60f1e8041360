import processorUrl from './capture-processor.ts?worker&url';
import { assessRecorder, type RecorderHealth } from '../core/recorder-health';
import {
	checkForDropout,
	gapAfterCrash,
	SAMPLE_RATE,
	samplesToMs,
	type CaptureRun,
	type Dropout
} from '../core/recording-timeline';
import { WriteQueue } from '../core/write-queue';
import type { CommonGroundDb } from '../db/db';
import { appendSegment, updateTrack, type TrackRecord } from '../db/recordings';
import type { ServerClock } from '../call/server-clock';
import type { CaptureCommand, CaptureEvent } from './capture-processor';

export type SavedSegment = { startSample: number; samples: Int16Array; serverTimeMs: number };
/** Where saved segments go as they are saved. */
export type SegmentSink = { push(segment: SavedSegment): void };

/** No segment for this long while capturing: the capture has stalled, and is repaired. */
const STALL_MS = 2_000;
/** After this many repairs that didn't bring audio back, the audio graph is built anew. */
const REBUILD_AFTER = 2;
const WATCH_MS = 1_000;
/** The worklet answers a stop within a render quantum; a dead one must not hold the stop forever. */
const STOP_TIMEOUT_MS = 2_000;
/** Every third failed write, the database connection is closed and opened again. */
const REOPEN_EVERY = 3;

/**
 * Records this device's microphone into a track in Dexie (issue #5, "a double-ender"): the capture
 * worklet delivers half-second segments, each saved at once with its sample index and server-synced
 * time. The call's audio never passes through here, so a bad connection can't spoil the recording.
 *
 * It watches itself (issue #15): a capture that stops delivering audio is restarted (the context
 * resumed, the microphone reopened, at last the audio graph rebuilt), and the gap is written down as
 * a dropout; a write that fails is retried, in order, with the database reopened between tries.
 * `health()` says how far behind saving is, for the page and the partner.
 */
export class TrackRecorder {
	readonly #db: CommonGroundDb;
	readonly #clock: ServerClock;
	readonly #onProgress: (track: TrackRecord) => void;
	readonly #onError: (error: unknown) => void;
	readonly #onRecovered: () => void;
	readonly #reopenMicrophone: (() => Promise<MediaStream | undefined>) | undefined;
	readonly #writes: WriteQueue;
	#context: AudioContext | undefined;
	#node: AudioWorkletNode | undefined;
	#source: MediaStreamAudioSourceNode | undefined;
	#stream: MediaStream | undefined;
	#track: TrackRecord | undefined;
	#pipeline: SegmentSink | undefined;
	#nextSample = 0;
	#run: CaptureRun | undefined;
	#lagMs = 0;
	#recovering = false;
	#capturing = false;
	#lastCapturedAt = 0;
	#repairs = 0;
	#repairing = false;
	#watchdog: ReturnType<typeof setInterval> | undefined;
	#stopped: (() => void) | undefined;

	constructor(options: {
		db: CommonGroundDb;
		clock: ServerClock;
		onProgress: (track: TrackRecord) => void;
		/** A write failed; it is tried again. */
		onError: (error: unknown) => void;
		/** Writes land again after failures. */
		onRecovered?: () => void;
		/** A new stream from the same microphone, when the one given has ended. */
		reopenMicrophone?: () => Promise<MediaStream | undefined>;
	}) {
		this.#db = options.db;
		this.#clock = options.clock;
		this.#onProgress = options.onProgress;
		this.#onError = options.onError;
		this.#onRecovered = options.onRecovered ?? (() => {});
		this.#reopenMicrophone = options.reopenMicrophone;
		this.#writes = new WriteQueue({
			onFailure: async (error, attempt) => {
				console.error(`Saving the recording failed (attempt ${attempt}); trying again`, error);
				this.#onError(error);
				if (attempt % REOPEN_EVERY === 0) await this.#reopenDatabase();
			},
			onRecovered: () => this.#onRecovered()
		});
	}

	/** Sets up the audio graph. Call it from a click: browsers only start audio after a gesture. */
	async prepare(stream: MediaStream): Promise<void> {
		this.#stream = stream;
		if (!this.#context) await this.#buildGraph();
		await this.#context?.resume();
		this.#connect(stream);
	}

	/**
	 * Starts capturing into `track`; a track with samples already (after a crash) is continued.
	 * Each segment, once saved, goes in order straight to `pipeline` (the track pipeline's input
	 * during the call, sync/live-upload), if there is one.
	 */
	start(track: TrackRecord, pipeline?: SegmentSink) {
		this.#track = track;
		this.#pipeline = pipeline;
		this.#nextSample = track.sampleCount;
		this.#recovering = track.sampleCount > 0;
		this.#beginRun();
	}

	pause() {
		this.#capturing = false;
		this.#command({ type: 'pause' });
		const at = { atSample: this.#nextSample, atServerMs: this.#clock.now() };
		this.#enqueue(() => this.#update((t) => t.pauses.push({ ...at })));
		this.#enqueue(() => this.#update((t) => void (t.status = 'paused')));
	}

	resume() {
		const resumedAtServerMs = this.#clock.now();
		this.#enqueue(() =>
			this.#update((t) => {
				const last = t.pauses.at(-1);
				if (last && last.resumedAtServerMs === undefined) last.resumedAtServerMs = resumedAtServerMs;
				t.status = 'recording';
			})
		);
		this.#beginRun();
	}

	/** Stops capture, saves what the worklet still holds, and marks the track finished. */
	async stop(): Promise<TrackRecord | undefined> {
		this.#capturing = false;
		this.#stopWatching();
		if (!this.#node || !this.#track) return this.#track;
		await new Promise<void>((resolve) => {
			this.#stopped = resolve;
			setTimeout(resolve, STOP_TIMEOUT_MS);
			this.#command({ type: 'stop' });
		});
		this.#enqueue(() =>
			this.#update((t) => {
				t.status = 'finished';
				t.finishedAt = Date.now();
			})
		);
		await this.#writes.drained();
		return this.#track;
	}

	/** Adds a question or mark to the track's time-coded index, at the current sample. */
	note(entry: (atSample: number) => TrackRecord['index'][number]) {
		const atSample = this.#nextSample;
		this.#enqueue(() => this.#update((t) => void t.index.push(entry(atSample))));
	}

	get recordedMs(): number {
		return samplesToMs(this.#nextSample, SAMPLE_RATE);
	}

	/** Whether saving keeps up with the clock (issue #15). */
	health(now = performance.now()): RecorderHealth {
		return assessRecorder({
			capturing: this.#capturing,
			nowMs: now,
			lastCapturedAtMs: this.#lastCapturedAt,
			oldestUnsavedWaitMs: this.#writes.oldestWaitMs()
		});
	}

	async close() {
		this.#capturing = false;
		this.#stopWatching();
		this.#source?.disconnect();
		this.#node?.disconnect();
		await this.#context?.close().catch(() => {});
	}

	async #buildGraph() {
		// 48 kHz is asked for; the browser resamples the microphone if it runs at another rate.
		// Nothing is played through this context, so latency doesn't matter: 'playback' gives the
		// audio thread the largest buffers, which a busy low-end device needs to not drop audio.
		const context = new AudioContext({ sampleRate: SAMPLE_RATE, latencyHint: 'playback' });
		await context.audioWorklet.addModule(processorUrl);
		const node = new AudioWorkletNode(context, 'capture-processor', {
			numberOfInputs: 1,
			numberOfOutputs: 1,
			channelCount: 1,
			channelCountMode: 'explicit',
			channelInterpretation: 'speakers'
		});
		node.port.onmessage = (event: MessageEvent<CaptureEvent>) => this.#receive(event.data);
		// The worklet writes no output; connecting it keeps the graph pulling it on every engine.
		node.connect(context.destination);
		this.#context = context;
		this.#node = node;
	}

	#connect(stream: MediaStream) {
		if (!this.#context || !this.#node) return;
		this.#source?.disconnect();
		this.#source = this.#context.createMediaStreamSource(stream);
		this.#source.connect(this.#node);
	}

	#beginRun() {
		this.#run = undefined; // the first segment of the run anchors it
		this.#lagMs = 0;
		this.#capturing = true;
		this.#lastCapturedAt = performance.now();
		this.#repairs = 0;
		this.#command({ type: 'start' });
		this.#watchdog ??= setInterval(() => void this.#watch(), WATCH_MS);
	}

	#stopWatching() {
		clearInterval(this.#watchdog);
		this.#watchdog = undefined;
	}

	#command(command: CaptureCommand) {
		this.#node?.port.postMessage(command);
	}

	#receive(event: CaptureEvent) {
		if (event.type === 'stopped') return this.#stopped?.();
		const track = this.#track;
		if (!track) return;
		this.#lastCapturedAt = performance.now();
		this.#repairs = 0;
		const segment: SavedSegment = {
			startSample: this.#nextSample,
			samples: event.samples,
			serverTimeMs: this.#frameToServerMs(event.startFrame)
		};
		this.#nextSample += event.samples.length;
		// Decided here, once per segment, so that a write tried again never counts a gap twice.
		const dropouts: Dropout[] = [];
		const recovered = this.#recovering;
		if (recovered) {
			this.#recovering = false;
			dropouts.push(
				gapAfterCrash({
					sampleCount: segment.startSample,
					lastSegmentEndServerMs: track.endServerMs,
					resumedAtServerMs: segment.serverTimeMs
				})
			);
		}
		if (!this.#run) {
			this.#run = { startSample: segment.startSample, startServerMs: segment.serverTimeMs };
		} else {
			const check = checkForDropout({
				run: this.#run,
				segment,
				knownLagMs: this.#lagMs,
				sampleRate: track.sampleRate
			});
			this.#lagMs = check.lagMs;
			if (check.dropout) dropouts.push(check.dropout);
		}
		this.#enqueue(() => this.#save(segment, dropouts, recovered));
	}

	/** Once a second while capturing: no audio for STALL_MS means the capture needs repair. */
	async #watch() {
		if (!this.#capturing || this.#repairing) return;
		if (performance.now() - this.#lastCapturedAt < STALL_MS * (this.#repairs + 1)) return;
		this.#repairing = true;
		try {
			this.#repairs += 1;
			console.warn(`The recording's capture stalled; repairing it (attempt ${this.#repairs})`);
			const track = this.#stream?.getAudioTracks()[0];
			if ((!track || track.readyState === 'ended') && this.#reopenMicrophone) {
				const stream = await this.#reopenMicrophone();
				if (stream) this.#stream = stream;
			}
			if (this.#repairs > REBUILD_AFTER) {
				const old = { context: this.#context, node: this.#node };
				if (old.node) old.node.port.onmessage = null;
				this.#source?.disconnect();
				this.#source = undefined;
				await old.context?.close().catch(() => {});
				await this.#buildGraph();
			}
			await this.#context?.resume();
			if (this.#stream) this.#connect(this.#stream);
			// The lost stretch shows up as a later stamp than the run predicts: checkForDropout writes it down.
			if (this.#capturing) this.#command({ type: 'start' });
		} catch (error) {
			console.error('Repairing the capture failed; trying again', error);
		} finally {
			this.#repairing = false;
		}
	}

	async #save(segment: SavedSegment, dropouts: Dropout[], recovered: boolean) {
		const track = this.#track;
		if (!track) return;
		this.#track = await appendSegment(this.#db, track.id, segment, (t) => {
			t.dropouts.push(...dropouts);
			// Not the status: start, pause and resume write it, in order. This segment can be the one a
			// pause flushed, queued after the pause's own write.
			if (recovered) t.recoveries += 1;
		});
		this.#onProgress(this.#track);
		this.#pipeline?.push(segment);
	}

	async #update(change: (track: TrackRecord) => void) {
		if (!this.#track) return;
		const estimate = this.#clock.estimate;
		this.#track = await updateTrack(this.#db, this.#track.id, (t) => {
			change(t);
			if (estimate) t.clock = { offsetMs: estimate.offsetMs, uncertaintyMs: estimate.uncertaintyMs };
		});
		this.#onProgress(this.#track);
	}

	/** Writes land one after another, so segments stay in order and metadata never races them. */
	#enqueue(write: () => Promise<unknown>) {
		this.#writes.push(write);
	}

	async #reopenDatabase() {
		try {
			this.#db.close({ disableAutoOpen: false });
			await this.#db.open();
		} catch (error) {
			console.error('Reopening the database failed', error);
		}
	}

	/**
	 * Server time of an audio frame. getOutputTimestamp relates the audio clock to the page's clock
	 * now, so a stalled audio thread shows up as segments stamped later than their sample count
	 * predicts: that is how dropouts are found.
	 */
	#frameToServerMs(frame: number): number {
		const context = this.#context!;
		const { contextTime, performanceTime } = context.getOutputTimestamp();
		const frameTime = frame / context.sampleRate;
		if (contextTime === undefined || !performanceTime) {
			return this.#clock.now() - (context.currentTime - frameTime) * 1000;
		}
		return this.#clock.toServer(performance.timeOrigin + performanceTime + (frameTime - contextTime) * 1000);
	}
}
