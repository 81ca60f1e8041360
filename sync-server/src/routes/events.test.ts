import { afterEach, describe, expect, it } from 'vitest';
import type { MyMatching, RunPreview } from '../../../src/lib/contracts/matching.ts';
import { createTestApp, signInAs, type TestApp } from '../test/harness.ts';
import { json, matchablePair } from '../test/matching-fixtures.ts';
import { MAX_STREAMS_PER_PERSON } from './events.ts';

let t: TestApp;
const open: AbortController[] = [];
afterEach(async () => {
	for (const stream of open.splice(0)) stream.abort();
	await t.close();
});

/** Opens GET /api/events as `cookie` and collects the events it carries. */
async function listen(cookie: string) {
	const abort = new AbortController();
	open.push(abort);
	const res = await t.app.request('/api/events', { headers: { cookie }, signal: abort.signal });
	const events: { event: string; data: unknown }[] = [];
	if (res.ok && res.body) {
		const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
		void (async () => {
			let buffer = '';
			for (;;) {
				const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
				if (done) return;
				buffer += value;
				const blocks = buffer.split('\n\n');
				buffer = blocks.pop() ?? '';
				for (const block of blocks) {
					const field = (name: string) =>
						block
							.split('\n')
							.find((line) => line.startsWith(`${name}: `))
							?.slice(name.length + 2);
					const event = field('event');
					if (event) events.push({ event, data: JSON.parse(field('data') ?? 'null') });
				}
			}
		})();
	}
	return { res, events, until: (n: number) => expect.poll(() => events.length).toBeGreaterThanOrEqual(n) };
}

describe('GET /api/events (issue #14)', () => {
	it('tells each person, and only them, that their conversation changed', async () => {
		t = await createTestApp();
		const { rosa, tom } = await matchablePair(t);
		const eve = await signInAs(t, 'participant', 'Eve');
		const coordinator = await signInAs(t, 'coordinator');
		const rosaStream = await listen(rosa.cookie);
		const consoleStream = await listen(coordinator);
		const eveStream = await listen(eve);
		expect(rosaStream.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
		await rosaStream.until(1);
		expect(rosaStream.events[0]?.event).toBe('ready');

		// The coordinator approves the pair: Rosa's open page hears of her match.
		const preview = await json<RunPreview>(
			await t.request(`/api/coordinator/communities/${t.community.id}/runs`, {
				body: {},
				cookie: coordinator
			})
		);
		await t.request(`/api/coordinator/runs/${preview.runId}/approve`, {
			body: { pairs: preview.pairs.map((p) => ({ a: p.a.id, b: p.b.id })) },
			cookie: coordinator
		});
		await rosaStream.until(2);
		const id = (await json<MyMatching>(await t.request('/api/conversations/mine', { cookie: rosa.cookie })))
			.conversations[0]!.id;
		expect(rosaStream.events[1]).toEqual({
			event: 'change',
			data: { topic: 'conversation', conversationId: id }
		});

		// Tom accepts: Rosa hears of it, and the event says what changed, not what it now holds.
		await t.request(`/api/conversations/${id}/accept`, { body: {}, cookie: tom.cookie });
		await rosaStream.until(3);
		expect(rosaStream.events[2]).toEqual({
			event: 'change',
			data: { topic: 'conversation', conversationId: id }
		});

		// The coordinator's console hears of both changes too: conversations are what it runs.
		await expect
			.poll(() => consoleStream.events.filter((e) => e.event === 'change').map((e) => e.data))
			.toEqual([
				{ topic: 'conversation', conversationId: id },
				{ topic: 'conversation', conversationId: id }
			]);

		// Eve, signed in but not in it, heard nothing but her own stream's start.
		expect(eveStream.events.map((e) => e.event)).toEqual(['ready']);
	});

	it('is for signed-in people only, and a few streams each', async () => {
		t = await createTestApp();
		expect((await t.app.request('/api/events')).status).toBe(401);
		const cookie = await signInAs(t, 'participant');
		for (let i = 0; i < MAX_STREAMS_PER_PERSON; i++) {
			const { res, until } = await listen(cookie);
			expect(res.status).toBe(200);
			await until(1);
		}
		const { res } = await listen(cookie);
		expect(res.status).toBe(429);
		expect(await json(res)).toMatchObject({
			code: 'rate_limited',
			message: expect.stringMatching(/windows/)
		});
	});
});
