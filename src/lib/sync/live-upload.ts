import OpusWorker from '../media/opus-worker.ts?worker';
import type { OpusReply, OpusRequest } from '../media/opus-worker';
import { CLOCK_FIT_HEADER, formatClockFit } from '../contracts/consent';
import { fitClock, type ClockPoint } from '../core/clock-fit';
import type { CommonGroundDb } from '../db/db';
import type { TrackRecord } from '../db/recordings';
import type { SavedSegment } from '../media/recorder';
import { GrowingSource } from './growing-source';
import { dispatch, fileRecord, holdLive, openFile, statusOf, tusOptions } from './track-upload';

/**
 * The track pipeline's input during the call (issue #6, "Progressively during the call when
 * bandwidth allows; the call gets priority"; issue #16). The recorder hands each segment it has
 * saved straight here; WebCodecs encodes it in a worker, and the Ogg bytes that are final go up
 * over tus with the length declared later, paced by what the call leaves over (core/upload-pacing).
 * At "stop" the last page is written and the whole file goes into the file's row, where the
 * pipeline's after-call input (sync/upload-queue) declares the length and checksum and sends the
 * rest: the server's usual checks then run on the whole file.
 *
 * Nothing depends on this: the recording itself is in Dexie, and if the encoder, the tab or the
 * network fails, the machine drops the partial upload and the track is encoded and sent after the
 * call as before.
 */
const RETRY_MS = 15_000;
const FINISH_TIMEOUT_MS = 60_000;
/**
 * Segments (half a second each) whose server times say where the track starts before the upload is
 * created: the server mixes the copy during the call from it (issue #16). The fit at the end, over
 * every segment, still decides; the server mixes again, whole, if the two disagree.
 */
const START_POINTS = 8;

export class LiveShareUpload {
	readonly #db: CommonGroundDb;
	readonly #track: TrackRecord;
	readonly #source = new GrowingSource();
	readonly #points: ClockPoint[] = [];
	readonly #ready: Promise<boolean>;
	#id = '';
	#worker: Worker | undefined;
	#upload: import('tus-js-client').Upload | undefined;
	#release: (() => void) | undefined;
	#finished: ((reply: { bytes: Uint8Array; totalSamples: number }) => void) | undefined;
	#failed = false;
	/** Segments saved while this is still starting; undefined once it runs or won't. */
	#pending: SavedSegment[] | undefined = [];
	/** The sample the next segment must start at: a gap would make a file shorter than the recording. */
	#expected = 0;
	#retry: ReturnType<typeof setTimeout> | undefined;
	/** Resolves once START_POINTS segments are in, or at "stop", whichever is first. */
	#startKnown!: () => void;
	readonly #startPoints = new Promise<void>((resolve) => (this.#startKnown = resolve));

	/**
	 * For a track that begins now. Starts at once, and runs where this browser can encode Opus
	 * itself and `allowed` says so (not on a kiosk, whose recordings are sealed for the visitor).
	 */
	constructor(options: {
		db: CommonGroundDb;
		track: TrackRecord;
		budget: () => number;
		allowed?: () => Promise<boolean>;
	}) {
		this.#db = options.db;
		this.#track = options.track;
		this.#source.budget = options.budget;
		this.#ready = this.#begin(options.allowed)
			.catch((error: unknown) => {
				console.warn('The share track will go after the call', error);
				return false;
			})
			.then((running) => {
				const pending = this.#pending ?? [];
				this.#pending = undefined;
				// Given up on while it was starting: what it started is dropped now.
				if (running && this.#failed) this.#drop();
				else if (running) for (const segment of pending) this.push(segment);
				return running;
			});
	}

	async #begin(allowed: (() => Promise<boolean>) | undefined): Promise<boolean> {
		const track = this.#track;
		if (track.sampleCount > 0 || !navigator.locks) return false;
		if (allowed && !(await allowed())) return false;
		const { canEncodeOpusNatively } = await import('../media/webcodecs-opus');
		if (!(await canEncodeOpusNatively(track.sampleRate))) return false;
		this.#release = await holdLive(track.id);
		this.#id = await openFile(this.#db, {
			trackId: track.id,
			conversationId: track.conversationId,
			kind: 'share'
		});
		if ((await dispatch(this.#db, this.#id, { type: 'live_started' })).phase !== 'live') {
			this.#release();
			return false;
		}
		this.#worker = new OpusWorker();
		this.#worker.onmessage = (event: MessageEvent<OpusReply>) => this.#receive(event.data);
		this.#worker.onerror = (event) => this.#fail(event.message || 'the Opus worker failed');
		this.#post({ type: 'start', sampleRate: track.sampleRate });
		void this.#send();
		return true;
	}

	/** A segment the recorder has saved; in order, each once. */
	push(segment: SavedSegment) {
		if (this.#pending) return void this.#pending.push(segment);
		if (this.#failed || !this.#worker) return;
		if (segment.startSample !== this.#expected) {
			return this.abandon(new Error(`segment at ${segment.startSample}, expected ${this.#expected}`));
		}
		this.#expected += segment.samples.length;
		this.#points.push({ sample: segment.startSample, serverMs: segment.serverTimeMs });
		if (this.#points.length >= START_POINTS) this.#startKnown();
		const samples = segment.samples.slice().buffer;
		this.#post({ type: 'pcm', samples }, [samples]);
	}

	/** Whether the share track is going up during the call here (once it has started, or not). */
	running(): Promise<boolean> {
		return this.#ready.then((running) => running && !this.#failed);
	}

	/**
	 * After the recorder stopped: the last page, then the whole file into its row for the pipeline,
	 * which sends what the server lacks and declares the length. Resolves when that row is saved.
	 */
	async finish(): Promise<void> {
		if (!(await this.running())) return;
		this.#startKnown();
		await dispatch(this.#db, this.#id, { type: 'live_stopped' });
		let timer: ReturnType<typeof setTimeout> | undefined;
		const finished = new Promise<{ bytes: Uint8Array; totalSamples: number }>((resolve) => {
			this.#finished = resolve;
			// The worker must answer; if it never does, the upload after the call must not wait forever.
			timer = setTimeout(() => this.#fail('the encoder did not finish'), FINISH_TIMEOUT_MS);
		});
		const started = performance.now();
		this.#post({ type: 'finish' });
		const { bytes, totalSamples } = await finished;
		clearTimeout(timer);
		if (this.#failed) return;
		this.#source.append(bytes);
		// Stop sending first, so the upload after the call never meets this one on the server.
		await this.#stopSending();
		const file = this.#source.bytes();
		const record = await fileRecord({
			kind: 'share',
			bytes: file,
			sampleRate: this.#track.sampleRate,
			samples: totalSamples,
			points: this.#points,
			encoder: 'webcodecs',
			encodeMs: Math.round(performance.now() - started)
		});
		await dispatch(
			this.#db,
			this.#id,
			{ type: 'live_finished' },
			{ ...record, progress: this.#source.sent / file.byteLength }
		);
		this.#end();
	}

	/** Gives up on sending during the call: the partial upload is dropped, the track goes after the call. */
	abandon(reason: unknown) {
		if (this.#failed) return;
		this.#failed = true;
		console.warn('The share track could not go up during the call; it goes after the call instead', reason);
		// Still starting: it is dropped once started (the constructor's `then`).
		if (this.#pending === undefined && this.#worker) this.#drop();
	}

	#dropped = false;
	#drop() {
		if (this.#dropped) return;
		this.#dropped = true;
		void this.#stopSending()
			.then(() => dispatch(this.#db, this.#id, { type: 'live_lost' }))
			.catch((error: unknown) => console.warn('Dropping the upload made during the call failed', error))
			.finally(() => this.#end());
	}

	#fail(message: string) {
		this.#finished?.({ bytes: new Uint8Array(), totalSamples: 0 });
		this.abandon(new Error(message));
	}

	#receive(reply: OpusReply) {
		if (reply.type === 'bytes') this.#source.append(reply.bytes);
		else if (reply.type === 'finished') this.#finished?.(reply);
		else if (reply.type === 'error') this.#fail(reply.message);
	}

	#post(request: OpusRequest, transfer: Transferable[] = []) {
		this.#worker?.postMessage(request, transfer);
	}

	#end() {
		clearTimeout(this.#retry);
		this.#worker?.terminate();
		this.#release?.();
	}

	async #stopSending() {
		this.#source.stop();
		clearTimeout(this.#retry);
		await this.#upload?.abort(false).catch(() => undefined);
	}

	async #send() {
		const { Upload } = await import('tus-js-client');
		await this.#startPoints;
		const source = this.#source;
		const track = this.#track;
		const start = this.#points.length > 0 ? startEstimate(this.#points, track.sampleRate) : undefined;
		const upload: InstanceType<typeof Upload> = new Upload(
			new Blob(),
			tusOptions(
				{ conversationId: track.conversationId, trackId: track.id, kind: 'share', startedAtServerMs: start },
				{ live: true, deferredLength: true, io: { fileReader: { openFile: async () => source } } },
				{
					onUrl: () => {
						// Once the server has the upload, keep it: tus-js-client would otherwise drop it on any
						// 4xx and start afresh, and a sign-in that is back a minute later is no reason to resend.
						upload.options.endpoint = null;
						if (upload.url) void dispatch(this.#db, this.#id, { type: 'url_created', url: upload.url });
					},
					onChunkComplete: (_size, accepted) => (source.sent = accepted),
					// Each PATCH says where the track's samples lie by every segment so far: the copy mixed
					// during the call follows the recorder's true rate from it (issue #16).
					onBeforeRequest: (request) => {
						if (request.getMethod() === 'PATCH' && this.#points.length > 0)
							request.setHeader(CLOCK_FIT_HEADER, formatClockFit(fitClock(this.#points, track.sampleRate)));
					},
					onError: (error) => {
						if (source.stopped) return;
						const status = statusOf(error);
						if (status === 404 || status === 410) {
							// The server no longer has it: a new upload, from the first byte (all are still here).
							upload.url = null;
							upload.options.endpoint = '/uploads';
						}
						console.warn('Sending during the call paused; trying again shortly', error);
						this.#retry = setTimeout(() => upload.start(), RETRY_MS);
					}
				}
			)
		);
		this.#upload = upload;
		if (!source.stopped) upload.start();
	}
}

/** Where the track starts on the server clock, from its first segments at the nominal rate (core/clock-fit). */
function startEstimate(points: readonly ClockPoint[], sampleRate: number): number {
	return Math.round(fitClock(points, sampleRate).startedAtServerMs * 1000) / 1000;
}
