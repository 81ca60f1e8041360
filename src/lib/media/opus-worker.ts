/// <reference lib="webworker" />
import { OggOpusStream } from '../core/ogg-opus';
import { OPUS_FRAME_SAMPLES, SHARE_OPUS_CONFIG } from './webcodecs-opus';

/**
 * The share track with WebCodecs (issue #6, "Where WebCodecs can encode Opus natively"): the
 * browser's own Opus encoder, in this worker so the page stays responsive, wrapped in Ogg by
 * core/ogg-opus. Two ways in: a whole recording at once (`file`), or during the call, segment by
 * segment as the recorder saves them (`start`, `pcm`, `finish`), handing out Ogg bytes as soon as
 * they are final so they can go up while the conversation goes on.
 */
export type OpusRequest =
	| { type: 'file'; pcm: ArrayBuffer; sampleRate: number }
	| { type: 'start'; sampleRate: number }
	| { type: 'pcm'; samples: ArrayBuffer }
	| { type: 'finish' };
export type OpusReply =
	| { type: 'progress'; fraction: number }
	| { type: 'done'; file: Uint8Array }
	| { type: 'bytes'; bytes: Uint8Array }
	| { type: 'finished'; bytes: Uint8Array; totalSamples: number }
	| { type: 'error'; message: string };

const post = (reply: OpusReply, transfer: Transferable[] = []) =>
	(self as unknown as DedicatedWorkerGlobalScope).postMessage(reply, transfer);
/** One second per AudioData for a whole file: small enough to report progress, large enough to keep overhead low. */
const CHUNK_FRAMES = 48_000;

let live: OpusStreamEncoder | undefined;
/** Messages are handled one after another: segments must reach the encoder in order. */
let queue: Promise<void> = Promise.resolve();

self.onmessage = (event: MessageEvent<OpusRequest>) => {
	queue = queue
		.then(() => handle(event.data))
		.catch((error: unknown) => post({ type: 'error', message: String(error) }));
};

async function handle(request: OpusRequest): Promise<void> {
	switch (request.type) {
		case 'file': {
			const file = await encodeFile(request.pcm, request.sampleRate);
			return post({ type: 'done', file }, [file.buffer]);
		}
		case 'start':
			live = new OpusStreamEncoder(request.sampleRate, (bytes) =>
				post({ type: 'bytes', bytes }, [bytes.buffer])
			);
			return;
		case 'pcm':
			if (!live) throw new Error('no encoding started');
			return live.push(new Int16Array(request.samples));
		case 'finish': {
			if (!live) throw new Error('no encoding started');
			const totalSamples = live.samples;
			const bytes = await live.finish();
			live = undefined;
			return post({ type: 'finished', bytes, totalSamples }, [bytes.buffer]);
		}
	}
}

async function encodeFile(pcm: ArrayBuffer, sampleRate: number): Promise<Uint8Array> {
	const samples = new Int16Array(pcm);
	const parts: Uint8Array[] = [];
	const encoder = new OpusStreamEncoder(sampleRate, (bytes) => parts.push(bytes));
	for (let at = 0; at < samples.length; at += CHUNK_FRAMES) {
		await encoder.push(samples.subarray(at, Math.min(samples.length, at + CHUNK_FRAMES)));
		post({ type: 'progress', fraction: Math.min(samples.length, at + CHUNK_FRAMES) / samples.length });
	}
	parts.push(await encoder.finish());
	const file = new Uint8Array(parts.reduce((sum, p) => sum + p.byteLength, 0));
	let offset = 0;
	for (const p of parts) {
		file.set(p, offset);
		offset += p.byteLength;
	}
	return file;
}

/** WebCodecs' AudioEncoder feeding an Ogg stream; `onBytes` gets each run of final bytes. */
class OpusStreamEncoder {
	readonly #encoder: AudioEncoder;
	readonly #ogg = new OggOpusStream({
		samplesPerPacket: OPUS_FRAME_SAMPLES,
		channels: 1,
		inputSampleRate: SHARE_OPUS_CONFIG.sampleRate
	});
	readonly #sampleRate: number;
	#samples = 0;
	#failure: unknown;

	constructor(sampleRate: number, onBytes: (bytes: Uint8Array) => void) {
		if (sampleRate !== SHARE_OPUS_CONFIG.sampleRate) throw new Error(`unsupported rate ${sampleRate}`);
		this.#sampleRate = sampleRate;
		this.#encoder = new AudioEncoder({
			output: (chunk, metadata) => {
				const description = metadata?.decoderConfig?.description;
				const preSkip = description && preSkipOf(description);
				if (preSkip !== undefined) this.#ogg.preSkip = preSkip;
				const packet = new Uint8Array(chunk.byteLength);
				chunk.copyTo(packet);
				const bytes = this.#ogg.push(packet);
				if (bytes.byteLength > 0) onBytes(bytes);
			},
			error: (error) => (this.#failure = error)
		});
		this.#encoder.configure(SHARE_OPUS_CONFIG);
	}

	/** Samples of the recording given so far. */
	get samples() {
		return this.#samples;
	}

	async push(samples: Int16Array<ArrayBuffer>): Promise<void> {
		this.#encode(samples);
		this.#samples += samples.length;
		// Backpressure: let the encoder catch up instead of queueing the whole recording.
		while (this.#encoder.encodeQueueSize > 4) await new Promise((r) => setTimeout(r, 5));
		if (this.#failure) throw this.#failure;
	}

	/**
	 * The encoder's lookahead of silence at the end, so the last real samples come out of the decoder
	 * too; the last page's granule position then cuts the file to exactly the recording.
	 */
	async finish(): Promise<Uint8Array> {
		this.#encode(new Int16Array(OPUS_FRAME_SAMPLES), this.#samples);
		await this.#encoder.flush();
		this.#encoder.close();
		if (this.#failure) throw this.#failure;
		return this.#ogg.finish(this.#samples);
	}

	#encode(samples: Int16Array<ArrayBuffer>, at = this.#samples) {
		if (samples.length === 0) return;
		const audio = new AudioData({
			format: 's16',
			sampleRate: this.#sampleRate,
			numberOfFrames: samples.length,
			numberOfChannels: 1,
			timestamp: Math.round((at / this.#sampleRate) * 1_000_000),
			data: samples
		});
		this.#encoder.encode(audio);
		audio.close();
	}
}

/** Pre-skip from an OpusHead the encoder may hand over as its decoder description (RFC 7845 §5.1). */
function preSkipOf(description: AllowSharedBufferSource): number | undefined {
	const bytes = ArrayBuffer.isView(description)
		? new Uint8Array(description.buffer, description.byteOffset, description.byteLength)
		: new Uint8Array(description);
	if (bytes.length < 12 || String.fromCharCode(...bytes.subarray(0, 8)) !== 'OpusHead') return undefined;
	return bytes[10]! | (bytes[11]! << 8);
}
