/// <reference lib="webworker" />
/**
 * AudioWorklet that captures this device's microphone (issue #5, "Capture"): it converts the
 * 48 kHz float samples to 16-bit and hands them to the page in segments of SEGMENT_SAMPLES, each
 * with the audio clock's frame number of its first sample, so the page can stamp it in server time.
 * It runs on the audio thread, so it never allocates inside the per-sample loop.
 */
import { SEGMENT_SAMPLES } from '../core/recording-timeline';

declare const currentFrame: number;
declare class AudioWorkletProcessor {
	readonly port: MessagePort;
}
declare function registerProcessor(name: string, processor: new () => AudioWorkletProcessor): void;

export type CaptureCommand = { type: 'start' } | { type: 'pause' } | { type: 'stop' };
export type CaptureEvent = { type: 'segment'; startFrame: number; samples: Int16Array } | { type: 'stopped' };

class CaptureProcessor extends AudioWorkletProcessor {
	#buffer = new Int16Array(SEGMENT_SAMPLES);
	#filled = 0;
	#startFrame = 0;
	#capturing = false;

	constructor() {
		super();
		this.port.onmessage = (event: MessageEvent<CaptureCommand>) => {
			const command = event.data;
			if (command.type === 'start') this.#capturing = true;
			else {
				this.#capturing = false;
				this.#flush();
				if (command.type === 'stop') this.port.postMessage({ type: 'stopped' } satisfies CaptureEvent);
			}
		};
	}

	process(inputs: Float32Array[][]): boolean {
		const channel = inputs[0]?.[0];
		if (!this.#capturing || !channel) return true;
		for (let i = 0; i < channel.length; i++) {
			if (this.#filled === 0) this.#startFrame = currentFrame + i;
			const s = Math.max(-1, Math.min(1, channel[i] ?? 0));
			this.#buffer[this.#filled++] = s < 0 ? s * 0x8000 : s * 0x7fff;
			if (this.#filled === this.#buffer.length) this.#flush();
		}
		return true;
	}

	#flush() {
		if (this.#filled === 0) return;
		const samples = this.#filled === this.#buffer.length ? this.#buffer : this.#buffer.slice(0, this.#filled);
		const event: CaptureEvent = { type: 'segment', startFrame: this.#startFrame, samples };
		this.port.postMessage(event, [samples.buffer]);
		this.#buffer = new Int16Array(SEGMENT_SAMPLES);
		this.#filled = 0;
	}
}

registerProcessor('capture-processor', CaptureProcessor);
