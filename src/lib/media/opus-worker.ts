/// <reference lib="webworker" />
import { oggOpusFile, OPUS_PRE_SKIP } from '../core/ogg-opus';
import { OPUS_FRAME_SAMPLES, SHARE_OPUS_CONFIG } from './webcodecs-opus';

/**
 * The share track with WebCodecs (issue #6, "Where WebCodecs can encode Opus natively"): the
 * browser's own Opus encoder, in this worker so the page stays responsive, then wrapped in Ogg by
 * core/ogg-opus. No 31 MB ffmpeg core to download, which matters most on the slow links the share
 * track is made for.
 */
export type OpusRequest = { pcm: ArrayBuffer; sampleRate: number };
export type OpusReply =
	| { type: 'progress'; fraction: number }
	| { type: 'done'; file: Uint8Array }
	| { type: 'error'; message: string };

const post = (reply: OpusReply, transfer: Transferable[] = []) =>
	(self as unknown as DedicatedWorkerGlobalScope).postMessage(reply, transfer);
/** One second per AudioData: small enough to report progress, large enough to keep overhead low. */
const CHUNK_FRAMES = 48_000;

self.onmessage = (event: MessageEvent<OpusRequest>) => {
	encode(event.data).then(
		(file) => post({ type: 'done', file }, [file.buffer]),
		(error: unknown) => post({ type: 'error', message: String(error) })
	);
};

async function encode({ pcm, sampleRate }: OpusRequest): Promise<Uint8Array> {
	if (sampleRate !== SHARE_OPUS_CONFIG.sampleRate) throw new Error(`unsupported rate ${sampleRate}`);
	const samples = new Int16Array(pcm);
	const packets: Uint8Array[] = [];
	let preSkip = OPUS_PRE_SKIP;
	let failure: unknown;
	const encoder = new AudioEncoder({
		output(chunk, metadata) {
			const description = metadata?.decoderConfig?.description;
			if (description) preSkip = preSkipOf(description) ?? preSkip;
			const bytes = new Uint8Array(chunk.byteLength);
			chunk.copyTo(bytes);
			packets.push(bytes);
		},
		error: (error) => (failure = error)
	});
	encoder.configure(SHARE_OPUS_CONFIG);
	// The encoder's lookahead of silence at the end, so the last real samples come out of the
	// decoder too; the final granule position then cuts the file to exactly the recording.
	const total = samples.length + OPUS_FRAME_SAMPLES;
	for (let at = 0; at < total; at += CHUNK_FRAMES) {
		const frames = Math.min(CHUNK_FRAMES, total - at);
		const data = new Int16Array(frames);
		data.set(samples.subarray(at, Math.min(samples.length, at + frames)));
		const audio = new AudioData({
			format: 's16',
			sampleRate,
			numberOfFrames: frames,
			numberOfChannels: 1,
			timestamp: Math.round((at / sampleRate) * 1_000_000),
			data
		});
		encoder.encode(audio);
		audio.close();
		// Backpressure: let the encoder catch up instead of queueing the whole recording.
		while (encoder.encodeQueueSize > 4) await new Promise((r) => setTimeout(r, 5));
		if (failure) throw failure;
		post({ type: 'progress', fraction: (at + frames) / total });
	}
	await encoder.flush();
	encoder.close();
	if (failure) throw failure;
	return oggOpusFile({
		packets,
		samplesPerPacket: OPUS_FRAME_SAMPLES,
		totalSamples: samples.length,
		preSkip,
		channels: 1,
		inputSampleRate: sampleRate
	});
}

/** Pre-skip from an OpusHead the encoder may hand over as its decoder description (RFC 7845 §5.1). */
function preSkipOf(description: AllowSharedBufferSource): number | undefined {
	const bytes = ArrayBuffer.isView(description)
		? new Uint8Array(description.buffer, description.byteOffset, description.byteLength)
		: new Uint8Array(description);
	if (bytes.length < 12 || String.fromCharCode(...bytes.subarray(0, 8)) !== 'OpusHead') return undefined;
	return bytes[10]! | (bytes[11]! << 8);
}
