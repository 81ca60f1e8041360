import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/types.ts';
import { createJobRunner, type JobRunner } from './runner.ts';

/** Periodic work that must happen once per period whatever the number of instances. */
export type Timer = { name: string; everyMs: number; run: () => Promise<void> };

/** A timer's job row: kind `timer:<name>`, one key. Its lease is the timer's named lease. */
const timerKind = (name: string) => `timer:${name}`;
const ONLY = '';

/**
 * Runs each timer under a named lease (issue #17): every instance looks every `pollMs`, the one that
 * claims a due timer runs it and sets its next time, so with N instances each run happens once. A
 * run that fails is logged and the timer keeps its period (it never stays failed). The first
 * instance ever started runs every timer at once; later boots keep the time already stored.
 */
export async function startTimers({
	store,
	clock,
	log,
	timers,
	pollMs
}: {
	store: Store;
	clock: Clock;
	log: Logger;
	timers: readonly Timer[];
	pollMs: number;
}): Promise<JobRunner> {
	const every = new Map(timers.map((t) => [timerKind(t.name), t.everyMs]));
	for (const timer of timers)
		await store.jobs.schedule({ kind: timerKind(timer.name), key: ONLY, now: clock(), runAt: clock() });
	const runner = createJobRunner({
		store,
		clock,
		log,
		pollMs,
		handlers: Object.fromEntries(timers.map((t) => [timerKind(t.name), () => t.run()])),
		next: (job) => new Date(clock().getTime() + (every.get(job.kind) ?? pollMs))
	});
	runner.kick();
	return runner;
}
