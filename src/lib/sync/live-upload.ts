import OpusWorker from '../media/opus-worker.ts?worker';
import type { OpusReply, OpusRequest } from '../media/opus-worker';
import { fitClock, type ClockPoint } from '../core/clock-fit';
import type { CommonGroundDb } from '../db/db';
import { saveUpload, type UploadRecord } from '../db/after';
import type { TrackRecord } from '../db/recordings';
import { MIME, sha256Hex } from '../media/encoder';
import { GrowingSource } from './growing-source';

/**
 * The share track going up during the call (issue #6, "Progressively during the call when
 * bandwidth allows; the call gets priority"). Each segment the recorder has saved is encoded by
 * WebCodecs in a worker; the Ogg bytes that are final go up over tus with the length declared
 * later, paced by what the call leaves over (core/upload-pacing). At "stop" the last page is
 * written, the whole file is kept in Dexie like any encoded track, and the upload queue sends the
 * rest and declares the length and checksum: the server's usual checks then run on the whole file.
 *
 * Nothing depends on this: the recording itself is in Dexie, and if the encoder, the tab or the
 * network fails, the upload queue encodes and sends the track after the call as before.
 */
export const LIVE_CHUNK_BYTES = 32 * 1024;
/** While a tab holds this lock, its live upload for the track is still going. */
const lockName = (trackId: string) => `common-ground-live-upload:${trackId}`;
const RETRY_MS = 15_000;
const FINISH_TIMEOUT_MS = 60_000;

export type LiveSegment = { startSample: number; samples: Int16Array; serverTimeMs: number };

export class LiveShareUpload {
	readonly #db: CommonGroundDb;
	readonly #track: TrackRecord;
	readonly #budget: () => number;
	readonly #id: string;
	readonly #worker: Worker;
	readonly #source = new GrowingSource();
	readonly #points: ClockPoint[] = [];
	#upload: import('tus-js-client').Upload | undefined;
	#release: (() => void) | undefined;
	#finished: ((reply: { bytes: Uint8Array; totalSamples: number }) => void) | undefined;
	#failed = false;
	/** The sample the next segment must start at: a gap would make a file shorter than the recording. */
	#expected = 0;
	#retry: ReturnType<typeof setTimeout> | undefined;

	private constructor(options: { db: CommonGroundDb; track: TrackRecord; budget: () => number }) {
		this.#db = options.db;
		this.#track = options.track;
		this.#budget = options.budget;
		this.#id = `${options.track.id}:share`;
		this.#worker = new OpusWorker();
		this.#worker.onmessage = (event: MessageEvent<OpusReply>) => this.#receive(event.data);
		this.#worker.onerror = (event) => this.#fail(event.message || 'the Opus worker failed');
		this.#post({ type: 'start', sampleRate: options.track.sampleRate });
	}

	/**
	 * Starts for a track that begins now, where this browser can encode Opus itself; undefined
	 * otherwise (the queue then does everything after the call).
	 */
	static async begin(options: {
		db: CommonGroundDb;
		track: TrackRecord;
		budget: () => number;
	}): Promise<LiveShareUpload | undefined> {
		const { track, db } = options;
		if (track.sampleCount > 0 || !navigator.locks) return undefined;
		const { canEncodeOpusNatively } = await import('../media/webcodecs-opus');
		if (!(await canEncodeOpusNatively(track.sampleRate))) return undefined;
		const live = new LiveShareUpload(options);
		await live.#hold();
		await db.uploads.put({
			id: live.#id,
			trackId: track.id,
			conversationId: track.conversationId,
			kind: 'share',
			stage: 'waiting',
			live: true,
			progress: 0,
			updatedAt: Date.now()
		});
		void live.#send();
		return live;
	}

	/** A segment the recorder has saved; in order, each once. */
	push(segment: LiveSegment) {
		if (this.#failed) return;
		if (segment.startSample !== this.#expected) {
			return this.abandon(new Error(`segment at ${segment.startSample}, expected ${this.#expected}`));
		}
		this.#expected += segment.samples.length;
		this.#points.push({ sample: segment.startSample, serverMs: segment.serverTimeMs });
		const samples = segment.samples.slice().buffer;
		this.#post({ type: 'pcm', samples }, [samples]);
	}

	/**
	 * After the recorder stopped: the last page, then the whole file into Dexie for the upload queue,
	 * which sends what the server lacks and declares the length. Resolves when that record is saved.
	 */
	async finish(): Promise<void> {
		if (this.#failed) return;
		let timer: ReturnType<typeof setTimeout> | undefined;
		const finished = new Promise<{ bytes: Uint8Array; totalSamples: number }>((resolve) => {
			this.#finished = resolve;
			// The worker must answer; if it never does, the queue must not wait on this upload forever.
			timer = setTimeout(() => this.#fail('the encoder did not finish'), FINISH_TIMEOUT_MS);
		});
		const started = performance.now();
		this.#post({ type: 'finish' });
		const { bytes, totalSamples } = await finished;
		clearTimeout(timer);
		if (this.#failed) return;
		this.#source.append(bytes);
		// Stop sending first, so the queue's upload never meets this one on the server.
		await this.#stopSending();
		const file = this.#source.bytes();
		const fit = fitClock(this.#points, this.#track.sampleRate);
		const uploadUrl = this.#upload?.url ?? undefined;
		const change: Partial<UploadRecord> = {
			stage: 'uploading',
			live: undefined,
			blob: new Blob([file as BlobPart], { type: MIME.share }),
			sha256: await sha256Hex(file),
			bytes: file.byteLength,
			durationMs: Math.round((totalSamples / this.#track.sampleRate) * 1000),
			startedAtServerMs: fit.startedAtServerMs,
			samplesPerSecond: fit.samplesPerSecond,
			encoder: 'webcodecs',
			encodeMs: Math.round(performance.now() - started),
			uploadUrl,
			// The server made this upload without a length: the queue declares it with the last bytes.
			deferredLength: uploadUrl !== undefined,
			progress: this.#source.sent / file.byteLength
		};
		await saveUpload(this.#db, this.#id, change);
		this.#end();
	}

	/** Gives up on sending during the call; the queue encodes and sends the track after it. */
	abandon(reason: unknown) {
		if (this.#failed) return;
		console.warn('The share track could not go up during the call; it goes after the call instead', reason);
		this.#failed = true;
		void this.#stopSending().finally(() => this.#end());
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
		this.#worker.postMessage(request, transfer);
	}

	/** Holds the track's lock until the end, so the queue in any tab waits for this upload to finish. */
	#hold(): Promise<void> {
		return new Promise<void>((held) => {
			void navigator.locks.request(lockName(this.#track.id), () => {
				held();
				return new Promise<void>((release) => (this.#release = release));
			});
		});
	}

	#end() {
		clearTimeout(this.#retry);
		this.#worker.terminate();
		this.#release?.();
	}

	async #stopSending() {
		this.#source.stop();
		clearTimeout(this.#retry);
		await this.#upload?.abort(false).catch(() => undefined);
	}

	async #send() {
		const { Upload } = await import('tus-js-client');
		const source = this.#source;
		source.budget = this.#budget;
		const upload = new Upload(new Blob(), {
			endpoint: '/uploads',
			chunkSize: LIVE_CHUNK_BYTES,
			uploadLengthDeferred: true,
			retryDelays: [0, 1000, 3000, 5000],
			storeFingerprintForResuming: false,
			metadata: { conversationId: this.#track.conversationId, trackId: this.#track.id, kind: 'share' },
			fileReader: { openFile: async () => source },
			onUploadUrlAvailable: () => {
				// Once the server has the upload, keep it: tus-js-client would otherwise drop it on any
				// 4xx and start afresh, and a sign-in that is back a minute later is no reason to resend.
				upload.options.endpoint = null;
				void saveUpload(this.#db, this.#id, { uploadUrl: upload.url ?? undefined });
			},
			onChunkComplete: (_size, accepted) => (source.sent = accepted),
			onError: (error) => {
				if (source.stopped) return;
				const status = 'originalResponse' in error ? error.originalResponse?.getStatus() : undefined;
				if (status === 404 || status === 410) {
					// The server no longer has it: a new upload, from the first byte (all are still here).
					upload.url = null;
					upload.options.endpoint = '/uploads';
				}
				console.warn('Sending during the call paused; trying again shortly', error);
				this.#retry = setTimeout(() => upload.start(), RETRY_MS);
			}
		});
		this.#upload = upload;
		if (!source.stopped) upload.start();
	}
}

/**
 * For the upload queue: waits while a live upload of this track is still going in any tab, then
 * tells whether it left a finished file. One that died with its tab left only part of a file on
 * the server, which can't be continued: that upload is dropped and the track is encoded afresh.
 */
export async function settleLiveUpload(db: CommonGroundDb, id: string, trackId: string): Promise<void> {
	const record = await db.uploads.get(id);
	if (!record?.live) return;
	if (navigator.locks) await navigator.locks.request(lockName(trackId), () => undefined);
	const after = await db.uploads.get(id);
	if (!after?.live) return;
	if (after.uploadUrl)
		await fetch(after.uploadUrl, { method: 'DELETE', headers: { 'Tus-Resumable': '1.0.0' } }).catch(
			() => undefined
		);
	await saveUpload(db, id, { live: undefined, uploadUrl: undefined, deferredLength: undefined });
}
