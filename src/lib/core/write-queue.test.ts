import { describe, expect, it } from 'vitest';
import { WriteQueue } from './write-queue';

describe('WriteQueue', () => {
	it('runs writes one after another, in order', async () => {
		const queue = new WriteQueue();
		const done: number[] = [];
		for (const n of [1, 2, 3]) {
			queue.push(async () => {
				await new Promise((r) => setTimeout(r, 4 - n));
				done.push(n);
			});
		}
		await queue.drained();
		expect(done).toEqual([1, 2, 3]);
		expect(queue.length).toBe(0);
	});

	it('retries a failing write before any later one, repairs in between, and reports the recovery', async () => {
		const waits: number[] = [];
		const failures: number[] = [];
		let recovered = 0;
		let diskFull = 2;
		const done: string[] = [];
		const queue = new WriteQueue({
			sleep: async (ms) => void waits.push(ms),
			onFailure: (_error, attempt) => void failures.push(attempt),
			onRecovered: () => (recovered += 1)
		});
		queue.push(async () => {
			if (diskFull-- > 0) throw new Error('QuotaExceededError');
			done.push('first');
		});
		queue.push(async () => void done.push('second'));
		await queue.drained();
		expect(done).toEqual(['first', 'second']);
		expect(failures).toEqual([1, 2]);
		expect(waits).toEqual([250, 500]);
		expect(recovered).toBe(1);
		expect(queue.failures).toBe(0);
	});

	it('tells how long the oldest write has waited', async () => {
		let now = 1_000;
		let release: () => void = () => {};
		const queue = new WriteQueue({ now: () => now });
		expect(queue.oldestWaitMs()).toBe(0);
		queue.push(() => new Promise<void>((r) => (release = r)));
		queue.push(async () => {});
		now = 4_500;
		expect(queue.oldestWaitMs()).toBe(3_500);
		expect(queue.length).toBe(2);
		release();
		await queue.drained();
		expect(queue.oldestWaitMs()).toBe(0);
	});
});
