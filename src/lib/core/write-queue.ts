/**
 * Writes that must land in order and must not be dropped (issue #15): the recorder's segments and
 * the track's metadata. A write that fails is tried again, the same write, before any later one,
 * so a full disk or a stuck database costs time and never a hole in the track. The caller learns
 * how far behind the queue is, and gets a hook to repair the store between attempts.
 */
export type WriteQueueOptions = {
	/** Wait before retry `attempt` (1, 2, …). */
	retryDelayMs?: (attempt: number) => number;
	/** Called after each failed attempt, before the wait: log it, reopen the database. */
	onFailure?: (error: unknown, attempt: number) => void | Promise<void>;
	/** Called once a write lands after failures. */
	onRecovered?: () => void;
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
};

type Job = { run: () => Promise<unknown>; queuedAt: number };

export class WriteQueue {
	readonly #jobs: Job[] = [];
	readonly #retryDelayMs: (attempt: number) => number;
	readonly #onFailure: WriteQueueOptions['onFailure'];
	readonly #onRecovered: WriteQueueOptions['onRecovered'];
	readonly #now: () => number;
	readonly #sleep: (ms: number) => Promise<void>;
	#pumping: Promise<void> | undefined;
	#failures = 0;

	constructor(options: WriteQueueOptions = {}) {
		this.#retryDelayMs = options.retryDelayMs ?? ((attempt) => Math.min(5_000, 250 * 2 ** (attempt - 1)));
		this.#onFailure = options.onFailure;
		this.#onRecovered = options.onRecovered;
		this.#now = options.now ?? (() => Date.now());
		this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
	}

	push(run: () => Promise<unknown>) {
		this.#jobs.push({ run, queuedAt: this.#now() });
		this.#pumping ??= this.#pump().finally(() => (this.#pumping = undefined));
	}

	/** Resolves once every write queued so far has landed. */
	async drained(): Promise<void> {
		while (this.#pumping) await this.#pumping;
	}

	get length(): number {
		return this.#jobs.length;
	}

	/** Failed attempts of the write at the head since it last succeeded. */
	get failures(): number {
		return this.#failures;
	}

	/** How long the oldest write not yet landed has waited, in ms (0 when none). */
	oldestWaitMs(): number {
		const head = this.#jobs[0];
		return head ? this.#now() - head.queuedAt : 0;
	}

	async #pump() {
		while (this.#jobs.length > 0) {
			const job = this.#jobs[0]!;
			try {
				await job.run();
				this.#jobs.shift();
				if (this.#failures > 0) {
					this.#failures = 0;
					this.#onRecovered?.();
				}
			} catch (error) {
				this.#failures += 1;
				await this.#onFailure?.(error, this.#failures);
				await this.#sleep(this.#retryDelayMs(this.#failures));
			}
		}
	}
}
