import OpusWorker from './opus-worker.ts?worker';
import type { OpusReply, OpusRequest } from './opus-worker';

/** Runs the WebCodecs share-track encoder in its own worker; one worker per file, closed after. */
export function encodeOpusNatively({
	pcm,
	sampleRate,
	onProgress
}: {
	pcm: Uint8Array;
	sampleRate: number;
	onProgress?: (fraction: number) => void;
}): Promise<Uint8Array> {
	const worker = new OpusWorker();
	// A copy goes to the worker, so the caller's buffer stays usable for the ffmpeg.wasm fallback.
	const copy = pcm.slice().buffer;
	return new Promise<Uint8Array>((resolve, reject) => {
		worker.onmessage = (event: MessageEvent<OpusReply>) => {
			const reply = event.data;
			if (reply.type === 'progress') return onProgress?.(reply.fraction);
			worker.terminate();
			if (reply.type === 'done') resolve(reply.file);
			else reject(new Error(reply.type === 'error' ? reply.message : `unexpected ${reply.type}`));
		};
		worker.onerror = (event) => {
			worker.terminate();
			reject(new Error(event.message || 'the Opus worker failed to start'));
		};
		worker.postMessage({ type: 'file', pcm: copy, sampleRate } satisfies OpusRequest, [copy]);
	});
}
