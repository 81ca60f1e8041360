import { pacingDelayMs } from '../core/upload-pacing';

/**
 * The growing Ogg file as a tus-js-client source: a slice waits until its bytes exist and the
 * budget allows them. It never says "done": the last bytes and the length go with the queue.
 */
export class GrowingSource {
	/** Unknown until the end; tus-js-client doesn't read it when the length is deferred. */
	readonly size = Number.NaN;
	budget: () => number = () => 0;
	sent = 0;
	stopped = false;
	#buffer = new Uint8Array(64 * 1024);
	#length = 0;
	#nextAt = 0;
	#wake: (() => void)[] = [];

	append(bytes: Uint8Array) {
		if (this.#length + bytes.byteLength > this.#buffer.byteLength) {
			const grown = new Uint8Array(Math.max(this.#buffer.byteLength * 2, this.#length + bytes.byteLength));
			grown.set(this.#buffer.subarray(0, this.#length));
			this.#buffer = grown;
		}
		this.#buffer.set(bytes, this.#length);
		this.#length += bytes.byteLength;
		this.#notify();
	}

	bytes(): Uint8Array {
		return this.#buffer.slice(0, this.#length);
	}

	stop() {
		this.stopped = true;
		this.#notify();
	}

	async slice(start: number, end: number): Promise<{ value: Blob; done: boolean }> {
		while (this.#length < end) await this.#changed();
		for (;;) {
			if (this.stopped) throw new Error('the live upload stopped');
			const now = performance.now();
			const budget = this.budget();
			if (budget > 0 && this.#nextAt <= now) {
				this.#nextAt = now + pacingDelayMs(end - start, budget);
				break;
			}
			await Promise.race([this.#changed(), sleep(budget > 0 ? Math.min(1000, this.#nextAt - now) : 1000)]);
		}
		return { value: new Blob([this.#buffer.slice(start, end)]), done: false };
	}

	close() {}

	#changed(): Promise<void> {
		if (this.stopped) return Promise.reject(new Error('the live upload stopped'));
		return new Promise((resolve) => this.#wake.push(resolve));
	}

	#notify() {
		for (const wake of this.#wake.splice(0)) wake();
	}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
