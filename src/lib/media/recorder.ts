import processorUrl from './capture-processor.ts?worker&url';
import {
	checkForDropout,
	gapAfterCrash,
	SAMPLE_RATE,
	samplesToMs,
	type CaptureRun
} from '../core/recording-timeline';
import type { CommonGroundDb } from '../db/db';
import { appendSegment, updateTrack, type TrackRecord } from '../db/recordings';
import type { ServerClock } from '../call/server-clock';
import type { CaptureCommand, CaptureEvent } from './capture-processor';

export type SavedSegment = { startSample: number; samples: Int16Array; serverTimeMs: number };

/**
 * Records this device's microphone into a track in Dexie (issue #5, "a double-ender"): the capture
 * worklet delivers half-second segments, each saved at once with its sample index and server-synced
 * time. The call's audio never passes through here, so a bad connection can't spoil the recording.
 */
export class TrackRecorder {
	readonly #db: CommonGroundDb;
	readonly #clock: ServerClock;
	readonly #context: AudioContext;
	readonly #onProgress: (track: TrackRecord) => void;
	readonly #onError: (error: unknown) => void;
	readonly #onSegment: ((segment: SavedSegment) => void) | undefined;
	#node: AudioWorkletNode | undefined;
	#source: MediaStreamAudioSourceNode | undefined;
	#track: TrackRecord | undefined;
	#nextSample = 0;
	#run: CaptureRun | undefined;
	#lagMs = 0;
	#recovering = false;
	#writes: Promise<unknown> = Promise.resolve();
	#stopped: (() => void) | undefined;

	constructor(options: {
		db: CommonGroundDb;
		clock: ServerClock;
		onProgress: (track: TrackRecord) => void;
		onError: (error: unknown) => void;
		/** Each segment once it is saved, in order (the share track encoded during the call). */
		onSegment?: (segment: SavedSegment) => void;
	}) {
		this.#db = options.db;
		this.#clock = options.clock;
		this.#onProgress = options.onProgress;
		this.#onError = options.onError;
		this.#onSegment = options.onSegment;
		// 48 kHz is asked for; the browser resamples the microphone if it runs at another rate.
		// Nothing is played through this context, so latency doesn't matter: 'playback' gives the
		// audio thread the largest buffers, which a busy low-end device needs to not drop audio.
		this.#context = new AudioContext({ sampleRate: SAMPLE_RATE, latencyHint: 'playback' });
	}

	/** Sets up the audio graph. Call it from a click: browsers only start audio after a gesture. */
	async prepare(stream: MediaStream): Promise<void> {
		await this.#context.resume();
		if (!this.#node) {
			await this.#context.audioWorklet.addModule(processorUrl);
			this.#node = new AudioWorkletNode(this.#context, 'capture-processor', {
				numberOfInputs: 1,
				numberOfOutputs: 1,
				channelCount: 1,
				channelCountMode: 'explicit',
				channelInterpretation: 'speakers'
			});
			this.#node.port.onmessage = (event: MessageEvent<CaptureEvent>) => this.#receive(event.data);
			// The worklet writes no output; connecting it keeps the graph pulling it on every engine.
			this.#node.connect(this.#context.destination);
		}
		this.#source?.disconnect();
		this.#source = this.#context.createMediaStreamSource(stream);
		this.#source.connect(this.#node);
	}

	/** Starts capturing into `track`; a track with samples already (after a crash) is continued. */
	start(track: TrackRecord) {
		this.#track = track;
		this.#nextSample = track.sampleCount;
		this.#recovering = track.sampleCount > 0;
		this.#beginRun();
	}

	pause() {
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
		if (!this.#node || !this.#track) return this.#track;
		const stopped = new Promise<void>((resolve) => (this.#stopped = resolve));
		this.#command({ type: 'stop' });
		await stopped;
		this.#enqueue(() =>
			this.#update((t) => {
				t.status = 'finished';
				t.finishedAt = Date.now();
			})
		);
		await this.#writes;
		return this.#track;
	}

	/** Adds a question or mark to the track's time-coded index, at the current sample. */
	note(entry: (atSample: number) => TrackRecord['index'][number]) {
		const atSample = this.#nextSample;
		this.#enqueue(() => this.#update((t) => void t.index.push(entry(atSample))));
	}

	get recordedMs(): number {
		return samplesToMs(this.#nextSample, this.#context.sampleRate);
	}

	async close() {
		this.#source?.disconnect();
		this.#node?.disconnect();
		await this.#context.close().catch(() => {});
	}

	#beginRun() {
		this.#run = undefined; // the first segment of the run anchors it
		this.#lagMs = 0;
		this.#command({ type: 'start' });
	}

	#command(command: CaptureCommand) {
		this.#node?.port.postMessage(command);
	}

	#receive(event: CaptureEvent) {
		if (event.type === 'stopped') return this.#enqueue(async () => this.#stopped?.());
		const serverTimeMs = this.#frameToServerMs(event.startFrame);
		const startSample = this.#nextSample;
		this.#nextSample += event.samples.length;
		this.#enqueue(() => this.#save({ startSample, samples: event.samples, serverTimeMs }));
	}

	async #save(segment: SavedSegment) {
		const track = this.#track;
		if (!track) return;
		if (this.#recovering) {
			this.#recovering = false;
			const gap = gapAfterCrash({
				sampleCount: segment.startSample,
				lastSegmentEndServerMs: track.endServerMs,
				resumedAtServerMs: segment.serverTimeMs
			});
			await this.#update((t) => {
				t.dropouts.push(gap);
				t.recoveries += 1;
				t.status = 'recording';
			});
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
			const dropout = check.dropout;
			if (dropout) await this.#update((t) => void t.dropouts.push(dropout));
		}
		this.#track = await appendSegment(this.#db, track.id, segment);
		this.#onProgress(this.#track);
		this.#onSegment?.(segment);
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

	/** Writes run one after another, so segments land in order and metadata never races them. */
	#enqueue(write: () => Promise<unknown>) {
		this.#writes = this.#writes.then(write).catch((error: unknown) => this.#onError(error));
	}

	/**
	 * Server time of an audio frame. getOutputTimestamp relates the audio clock to the page's clock
	 * now, so a stalled audio thread shows up as segments stamped later than their sample count
	 * predicts: that is how dropouts are found.
	 */
	#frameToServerMs(frame: number): number {
		const { contextTime, performanceTime } = this.#context.getOutputTimestamp();
		const frameTime = frame / this.#context.sampleRate;
		if (contextTime === undefined || !performanceTime) {
			return this.#clock.now() - (this.#context.currentTime - frameTime) * 1000;
		}
		return this.#clock.toServer(performance.timeOrigin + performanceTime + (frameTime - contextTime) * 1000);
	}
}
