import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GrowingSource } from './growing-source';

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);
const read = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

describe('the growing file tus reads during the call', () => {
	beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] }));
	afterEach(() => vi.useRealTimers());

	it('hands out a piece only once all its bytes exist, and never says the file is done', async () => {
		const source = new GrowingSource();
		source.budget = () => 1_000_000;
		let result: { value: Blob; done: boolean } | undefined;
		void source.slice(0, 10).then((r) => (result = r));
		source.append(bytes(4, 7));
		await vi.advanceTimersByTimeAsync(0);
		expect(result).toBeUndefined();
		source.append(bytes(8, 9));
		await vi.advanceTimersByTimeAsync(0);
		expect(result?.done).toBe(false);
		expect([...(await read(result!.value))]).toEqual([7, 7, 7, 7, 9, 9, 9, 9, 9, 9]);
		// A later piece may start anywhere, e.g. where a cut-off request left the server.
		const pending = source.slice(3, 12);
		await vi.advanceTimersByTimeAsync(1); // 10 bytes at 1 Mbit/s: 0.08 ms apart
		const next = await pending;
		expect([...(await read(next.value))]).toEqual([7, 9, 9, 9, 9, 9, 9, 9, 9]);
		expect([...source.bytes()]).toEqual([7, 7, 7, 7, 9, 9, 9, 9, 9, 9, 9, 9]);
	});

	it('spaces pieces by the budget, and waits while the budget is zero', async () => {
		const source = new GrowingSource();
		let budget = 8_000; // 1,000 bytes a second
		source.budget = () => budget;
		source.append(bytes(10_000));
		await source.slice(0, 2_000); // the first piece goes at once
		let second = false;
		void source.slice(2_000, 4_000).then(() => (second = true));
		await vi.advanceTimersByTimeAsync(1_900);
		expect(second).toBe(false);
		await vi.advanceTimersByTimeAsync(200);
		expect(second).toBe(true);

		budget = 0; // the call needs the link
		let third = false;
		void source.slice(4_000, 5_000).then(() => (third = true));
		await vi.advanceTimersByTimeAsync(30_000);
		expect(third).toBe(false);
		budget = 8_000;
		await vi.advanceTimersByTimeAsync(1_100);
		expect(third).toBe(true);
	});

	it('fails a waiting piece at once when sending stops, so tus lets go', async () => {
		const source = new GrowingSource();
		source.budget = () => 8_000;
		const waiting = source.slice(0, 100);
		source.stop();
		await expect(waiting).rejects.toThrow('stopped');
		source.append(bytes(200));
		await expect(source.slice(0, 100)).rejects.toThrow('stopped');
	});
});
