import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { ClaimedJob, Store } from '../store/types.ts';

/** Runs the job for one key. It must be idempotent: after a crash or a lost lease it runs again. */
export type JobHandler = (key: string) => Promise<void>;

export interface JobRunner {
	/** Durable once it resolves; wakes this runner, and the others through `onEnqueued`. */
	enqueue(kind: string, key: string): Promise<void>;
	/** Looks for due work now: at boot (what a dead instance left), on a poll, on a notification. */
	kick(): void;
	/** Resolves once this runner has nothing due left (a retry waiting for its time is not due). */
	idle(): Promise<void>;
	/** Stops polling and waits for the job being run. */
	close(): Promise<void>;
}

export type JobRunnerOptions = {
	store: Store;
	clock: Clock;
	log: Logger;
	/** Which work this runner does, by kind; it claims only these kinds. */
	handlers: Record<string, JobHandler>;
	/** How often to look for work other instances asked for, or left when they died. Unset: never. */
	pollMs?: number;
	/** How long a claim holds without renewal; a dead instance's job is taken this long after. */
	leaseMs?: number;
	/** How often a running job renews its lease. */
	renewMs?: number;
	/** Runs before a job stays failed. */
	maxAttempts?: number;
	/** Wait before the next attempt; 30 s, 1, 2, 4 min by default. */
	backoffMs?: (attempts: number) => number;
	/** Recurring work (timers): when to run next, whatever this run's outcome. */
	next?: (job: ClaimedJob) => Date;
	/**
	 * Called after each durable enqueue: the hook for telling the other instances at once (a Redis
	 * notification that calls their kick()); without it they find the job at their next poll.
	 */
	onEnqueued?: (kind: string, key: string) => void;
};

export const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_MAX_ATTEMPTS = 5;
const defaultBackoff = (attempts: number) => 30_000 * 2 ** (attempts - 1);

/**
 * Durable jobs with leases in the store (issue #17): one job at a time per runner (mixing is
 * CPU-bound), and across instances each job runs once, because claiming is a conditional UPDATE
 * only one instance wins (store/repos/jobs.ts). Failed jobs retry with backoff up to a limit, then
 * stay failed with their error kept and logged.
 */
export function createJobRunner({
	store,
	clock,
	log,
	handlers,
	pollMs,
	leaseMs = DEFAULT_LEASE_MS,
	renewMs = leaseMs / 3,
	maxAttempts = DEFAULT_MAX_ATTEMPTS,
	backoffMs = defaultBackoff,
	next,
	onEnqueued
}: JobRunnerOptions): JobRunner {
	const holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
	const kinds = Object.keys(handlers);
	const leaseUntil = () => new Date(clock().getTime() + leaseMs);
	const enqueuing = new Set<Promise<void>>();
	let loop: Promise<void> | undefined;
	let again = false;
	let closed = false;

	async function run(job: ClaimedJob) {
		const context = { kind: job.kind, key: job.key, attempt: job.attempts };
		const renewal = setInterval(() => {
			store.jobs
				.renew({ job, holder, now: clock(), leaseUntil: leaseUntil() })
				.then((kept) => {
					if (!kept) log.warn('job lease lost: another instance took the job over', context);
				})
				.catch((error: unknown) => log.warn('job lease renewal failed', { ...context, error }));
		}, renewMs);
		renewal.unref();
		let failure: unknown;
		try {
			await handlers[job.kind]?.(job.key);
		} catch (error) {
			failure = error ?? 'unknown error';
		} finally {
			clearInterval(renewal);
		}
		const now = clock();
		if (failure === undefined) {
			const kept = await store.jobs.finish({ job, holder, now, next: next?.(job) });
			if (!kept) log.warn('job finished after another instance took it over', context);
			return;
		}
		const error = failure instanceof Error ? failure.message : String(failure);
		const retryAt =
			next?.(job) ??
			(job.attempts < maxAttempts ? new Date(now.getTime() + backoffMs(job.attempts)) : undefined);
		await store.jobs.fail({ job, holder, now, error, retryAt });
		if (retryAt) log.warn('job failed; it will be tried again', { ...context, error: failure, retryAt });
		else log.error('job failed for good after its last attempt', { ...context, error: failure });
	}

	/** A job whose runs keep ending with their instance (killed, out of memory) is not run again. */
	async function giveUp(job: ClaimedJob) {
		const error = `the instances running it stopped before it ended, ${job.attempts - 1} times`;
		await store.jobs.fail({ job, holder, now: clock(), error });
		log.error('job given up: it never ended', { kind: job.kind, key: job.key, error });
	}

	async function drain() {
		do {
			again = false;
			while (!closed) {
				const job = await store.jobs.claim({ kinds, holder, now: clock(), leaseUntil: leaseUntil() });
				if (!job) break;
				if (!next && job.attempts > maxAttempts) await giveUp(job);
				else await run(job);
			}
		} while (again && !closed);
	}

	function kick() {
		if (closed) return;
		if (loop) {
			again = true;
			return;
		}
		loop = drain()
			.catch((error: unknown) => log.error('jobs stopped; they resume at the next poll', { kinds, error }))
			.finally(() => {
				loop = undefined;
			});
	}

	const poll = pollMs === undefined ? undefined : setInterval(kick, pollMs);
	poll?.unref();

	return {
		enqueue(kind, key) {
			const done = store.jobs.enqueue({ kind, key, now: clock() }).then(() => {
				onEnqueued?.(kind, key);
				kick();
			});
			enqueuing.add(done);
			const forget = () => enqueuing.delete(done);
			done.then(forget, forget);
			return done;
		},
		kick,
		async idle() {
			while (enqueuing.size > 0 || loop) {
				await Promise.allSettled(enqueuing);
				await loop;
			}
		},
		async close() {
			// What is asked for from now on stays in the store for another instance or the next boot.
			closed = true;
			clearInterval(poll);
			await Promise.allSettled(enqueuing);
			await loop;
		}
	};
}
