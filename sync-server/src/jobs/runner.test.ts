import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import type { Store } from '../store/types.ts';
import { tempDir } from '../test/harness.ts';
import { openTestStore, removeTestStore } from '../test/store.ts';
import { createJobRunner, type JobRunner, type JobRunnerOptions } from './runner.ts';
import { startTimers } from './timers.ts';

let store: Store;
let dataDir: string;
const runners: JobRunner[] = [];
let now = 0;
const clock = () => new Date(now);
const advance = (ms: number) => {
	now += ms;
};

beforeEach(async () => {
	now = Date.parse('2026-11-02T15:00:00Z');
	dataDir = tempDir('cg-jobs-');
	store = await openTestStore({ dataDir });
});
afterEach(async () => {
	for (const runner of runners.splice(0)) await runner.close();
	await store.close();
	await removeTestStore(dataDir);
	rmSync(dataDir, { recursive: true, force: true });
});

/** One instance's runner over the shared store; no polling, so each test says when it looks. */
function instance(options: Partial<JobRunnerOptions> & Pick<JobRunnerOptions, 'handlers'>): JobRunner {
	const runner = createJobRunner({ store, clock, log: silentLogger, ...options });
	runners.push(runner);
	return runner;
}

/** A promise the test lets go of: a job that is still running. */
function gate() {
	let open = () => {};
	const opened = new Promise<void>((resolve) => (open = resolve));
	return { open, opened };
}

function recordingLog() {
	const lines: { level: string; message: string; data?: Record<string, unknown> }[] = [];
	const log: Logger = {
		info: (message, data) => lines.push({ level: 'info', message, data }),
		warn: (message, data) => lines.push({ level: 'warn', message, data }),
		error: (message, data) => lines.push({ level: 'error', message, data })
	};
	return { log, lines };
}

const find = (key: string) => store.jobs.find('mix', key);

describe('durable jobs with leases (issue #17)', () => {
	it('of two claims made at once, exactly one wins the job', async () => {
		await store.jobs.enqueue({ kind: 'mix', key: 'c1', now: clock() });
		const leaseUntil = new Date(now + 60_000);
		const [a, b] = await Promise.all(
			['a', 'b'].map((holder) => store.jobs.claim({ kinds: ['mix'], holder, now: clock(), leaseUntil }))
		);
		expect([a, b].filter(Boolean)).toHaveLength(1);
		const row = await find('c1');
		expect(row).toMatchObject({ state: 'running', attempts: 1 });
		expect(row?.leaseHolder).toBe(a ? 'a' : 'b');
	});

	it('two runners over one store run each job exactly once', async () => {
		const ran: string[] = [];
		const handler = async (key: string) => {
			ran.push(key);
			await new Promise((resolve) => setImmediate(resolve));
		};
		const a = instance({ handlers: { mix: handler } });
		const b = instance({ handlers: { mix: handler } });
		const keys = Array.from({ length: 20 }, (_, i) => `c${String(i).padStart(2, '0')}`);
		for (const key of keys) await store.jobs.enqueue({ kind: 'mix', key, now: clock() });
		a.kick();
		b.kick();
		await Promise.all([a.idle(), b.idle()]);
		expect([...ran].sort()).toEqual(keys);
		for (const key of keys) expect((await find(key))?.state).toBe('done');
	});

	it('asking again while a job waits adds nothing; asking while it runs runs it once more', async () => {
		const running = gate();
		let runs = 0;
		const a = instance({
			handlers: {
				mix: async () => {
					runs++;
					if (runs === 1) await running.opened;
				}
			}
		});
		for (let i = 0; i < 3; i++) await store.jobs.enqueue({ kind: 'mix', key: 'c1', now: clock() });
		a.kick();
		await vi.waitFor(() => expect(runs).toBe(1));
		await a.enqueue('mix', 'c1');
		await a.enqueue('mix', 'c1');
		running.open();
		await a.idle();
		expect(runs).toBe(2);
		expect((await find('c1'))?.state).toBe('done');
	});

	it('a runner whose lease lapses loses the job to another, which finishes it', async () => {
		const stuck = gate();
		const ranBy: string[] = [];
		const { log, lines } = recordingLog();
		// Its renewals never come: as far as the store can tell it was killed mid-job.
		const dead = instance({
			log,
			leaseMs: 60_000,
			renewMs: 3_600_000,
			handlers: {
				mix: async () => {
					ranBy.push('dead');
					await stuck.opened;
				}
			}
		});
		const survivor = instance({
			leaseMs: 60_000,
			handlers: { mix: async () => void ranBy.push('survivor') }
		});
		await dead.enqueue('mix', 'c1');
		await vi.waitFor(() => expect(ranBy).toEqual(['dead']));

		survivor.kick();
		await survivor.idle();
		expect(ranBy).toEqual(['dead']);

		advance(61_000);
		survivor.kick();
		await survivor.idle();
		expect(ranBy).toEqual(['dead', 'survivor']);
		expect(await find('c1')).toMatchObject({ state: 'done', leaseHolder: null });

		// The stalled one ends after all: the job stays done, and it says what happened.
		stuck.open();
		await dead.idle();
		expect(await find('c1')).toMatchObject({ state: 'done', leaseHolder: null });
		expect(lines.map((l) => l.message)).toContain('job finished after another instance took it over');
	});

	it('a running job renews its lease, so nobody takes it while it runs', async () => {
		const running = gate();
		const ranBy: string[] = [];
		const a = instance({
			leaseMs: 60_000,
			renewMs: 5,
			handlers: {
				mix: async () => {
					ranBy.push('a');
					await running.opened;
				}
			}
		});
		const b = instance({ leaseMs: 60_000, handlers: { mix: async () => void ranBy.push('b') } });
		await a.enqueue('mix', 'c1');
		await vi.waitFor(() => expect(ranBy).toEqual(['a']));
		const first = (await find('c1'))?.leaseExpiresAt ?? '';

		advance(45_000);
		await vi.waitFor(async () => expect((await find('c1'))?.leaseExpiresAt ?? '').not.toBe(first));
		advance(45_000); // past the first lease, within the renewed one
		b.kick();
		await b.idle();
		expect(ranBy).toEqual(['a']);

		running.open();
		await a.idle();
		expect(await find('c1')).toMatchObject({ state: 'done', leaseHolder: null });
	});

	it('a failing job is tried again with backoff, then stays failed with its error kept and logged', async () => {
		const { log, lines } = recordingLog();
		let runs = 0;
		const a = instance({
			log,
			maxAttempts: 3,
			handlers: {
				mix: async () => {
					runs++;
					throw new Error('ffmpeg exited with code 1');
				}
			}
		});
		await a.enqueue('mix', 'c1');
		await a.idle();
		expect(runs).toBe(1);
		expect(await find('c1')).toMatchObject({
			state: 'pending',
			attempts: 1,
			lastError: 'ffmpeg exited with code 1',
			runAt: new Date(now + 30_000).toISOString()
		});

		a.kick();
		await a.idle();
		expect(runs).toBe(1); // not due yet

		advance(30_000);
		a.kick();
		await a.idle();
		expect(runs).toBe(2);
		expect((await find('c1'))?.runAt).toBe(new Date(now + 60_000).toISOString());

		advance(60_000);
		a.kick();
		await a.idle();
		expect(runs).toBe(3);
		expect(await find('c1')).toMatchObject({ state: 'failed', lastError: 'ffmpeg exited with code 1' });
		expect(lines.find((l) => l.level === 'error')).toMatchObject({
			message: 'job failed for good after its last attempt',
			data: { kind: 'mix', key: 'c1', attempt: 3 }
		});

		advance(24 * 3_600_000);
		a.kick();
		await a.idle();
		expect(runs).toBe(3);
	});

	it('a job whose instances keep dying while running it is given up, not run again', async () => {
		await store.jobs.enqueue({ kind: 'mix', key: 'c1', now: clock() });
		for (let i = 0; i < 3; i++) {
			const leaseUntil = new Date(now + 60_000);
			await store.jobs.claim({ kinds: ['mix'], holder: `killed-${i}`, now: clock(), leaseUntil });
			advance(61_000);
		}
		let runs = 0;
		const { log, lines } = recordingLog();
		const a = instance({ log, maxAttempts: 2, handlers: { mix: async () => void runs++ } });
		a.kick();
		await a.idle();
		expect(runs).toBe(0);
		expect(await find('c1')).toMatchObject({
			state: 'failed',
			lastError: 'the instances running it stopped before it ended, 3 times'
		});
		expect(lines.find((l) => l.level === 'error')?.message).toBe('job given up: it never ended');
	});
});

describe('timers under a named lease (issue #17)', () => {
	it('with two instances each run happens once per period, and a failed run keeps the period', async () => {
		const runs: string[] = [];
		const instances = await Promise.all(
			['a', 'b'].map((name) =>
				startTimers({
					store,
					clock,
					log: silentLogger,
					pollMs: 3_600_000,
					timers: [
						{
							name: 'cleanup',
							everyMs: 60_000,
							run: async () => {
								runs.push(name);
								if (runs.length === 2) throw new Error('database busy');
							}
						}
					]
				})
			)
		);
		runners.push(...instances);
		const tick = async () => {
			for (const t of instances) t.kick();
			await Promise.all(instances.map((t) => t.idle()));
		};
		await tick();
		expect(runs).toHaveLength(1);

		advance(30_000);
		await tick();
		expect(runs).toHaveLength(1);

		advance(30_000);
		await tick();
		expect(runs).toHaveLength(2); // this run fails…

		advance(60_000);
		await tick();
		expect(runs).toHaveLength(3); // …and the next period runs all the same
		expect(await store.jobs.find('timer:cleanup', '')).toMatchObject({ state: 'pending', leaseHolder: null });
	});
});
