import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunPreview } from '../../../src/lib/contracts/matching.ts';
import { sha256 } from '../auth/tokens.ts';
import { createTestApp, signInAs, type TestApp } from '../test/harness.ts';
import { json, matchablePair } from '../test/matching-fixtures.ts';
import { startTestRedis, type TestRedis } from '../test/redis.ts';
import { COORDINATORS } from './hub.ts';

let redis: TestRedis;
const apps: TestApp[] = [];
const open: AbortController[] = [];
beforeAll(async () => {
	redis = await startTestRedis();
});
afterAll(() => redis.stop());
afterEach(async () => {
	for (const stream of open.splice(0)) stream.abort();
	await Promise.all(apps.splice(0).map((t) => t.close()));
});

/** An instance of the app on the test's redis-server. */
async function instance() {
	const t = await createTestApp({ env: { REDIS_URL: redis.url } });
	apps.push(t);
	return t;
}

/** Opens GET /api/events on `t` as `cookie` and collects the 'change' events it carries. */
async function listen(t: TestApp, cookie: string) {
	const abort = new AbortController();
	open.push(abort);
	const res = await t.app.request('/api/events', { headers: { cookie }, signal: abort.signal });
	const changes: unknown[] = [];
	let isReady: () => void = () => {};
	const ready = new Promise<void>((resolve) => (isReady = resolve));
	const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
	void (async () => {
		let buffer = '';
		for (;;) {
			const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
			if (done) return;
			buffer += value;
			const blocks = buffer.split('\n\n');
			buffer = blocks.pop() ?? '';
			for (const block of blocks) {
				if (block.includes('event: ready')) isReady();
				const data = /^data: (.*)$/m.exec(block)?.[1];
				if (block.includes('event: change') && data) changes.push(JSON.parse(data));
			}
		}
	})();
	await ready;
	return changes;
}

describe('GET /api/events across instances (issue #17)', () => {
	it("a console open on one instance hears of a match made on another, and a stranger's stream does not", async () => {
		const a = await instance();
		const b = await instance();
		// Each test app has its own database; the keys that cross are a role's, which need no shared rows.
		const consoleOnB = await listen(b, await signInAs(b, 'coordinator'));
		const strangerOnB = await listen(b, await signInAs(b, 'participant', 'Eve'));
		const consoleOnA = await listen(a, await signInAs(a, 'coordinator'));

		await matchablePair(a);
		const coordinator = await signInAs(a, 'coordinator');
		const preview = await json<RunPreview>(
			await a.request(`/api/coordinator/communities/${a.community.id}/runs`, {
				body: {},
				cookie: coordinator
			})
		);
		await a.request(`/api/coordinator/runs/${preview.runId}/approve`, {
			body: { pairs: preview.pairs.map((p) => ({ a: p.a.id, b: p.b.id })) },
			cookie: coordinator
		});

		await expect.poll(() => consoleOnB.length).toBe(1);
		expect(consoleOnB).toEqual([{ topic: 'conversation', conversationId: expect.any(String) }]);
		// A marker from B, after it: once A hears it, A would have had Redis's echo of its own too.
		const marker = { topic: 'consent', conversationId: 'marker' } as const;
		b.live.publish([COORDINATORS], marker);
		await expect.poll(() => consoleOnA.length).toBeGreaterThanOrEqual(2);
		// The instance where it happened told its own console once, not again when Redis echoed it.
		expect(consoleOnA).toEqual([consoleOnB[0], marker]);
		expect(strangerOnB).toEqual([]);
	});

	it("a person's stream on one instance hears their own event published on another, and only theirs", async () => {
		const a = await instance();
		const b = await instance();
		const ana = await signInAs(b, 'participant', 'Ana');
		const sessionId = ana.slice(ana.indexOf('=') + 1);
		const anaId = (await b.store.auth.findSessionUser(sha256(sessionId), b.clock()))!.userId;
		const anaOnB = await listen(b, ana);
		const eveOnB = await listen(b, await signInAs(b, 'participant', 'Eve'));
		a.live.publish([anaId], { topic: 'copy', conversationId: 'c1' });
		await expect.poll(() => anaOnB).toEqual([{ topic: 'copy', conversationId: 'c1' }]);
		expect(eveOnB).toEqual([]);
	});
});
