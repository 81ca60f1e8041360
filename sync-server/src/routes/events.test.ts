import { afterEach, describe, expect, it } from 'vitest';
import type { MyMatching, RunPreview } from '../../../src/lib/contracts/matching.ts';
import { createSession } from '../auth/sessions.ts';
import { sessionCookieName } from '../http/session.ts';
import { organizationWithStaff, signupMutation, uniqueEmail } from '../test/factories.ts';
import { createTestApp, sessionCookie, signInAs, type TestApp } from '../test/harness.ts';
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

	it("tells a partner's staff when their own organization's people move on, and of no other organization", async () => {
		t = await createTestApp();
		const library = await signedInStaff('Eastside Library Friends', 'EASTSIDE');
		const club = await signedInStaff('Red Mountain Club', 'RED-MOUNTAIN');
		const libraryStream = await listen(library.staff);
		const clubStream = await listen(club.staff);
		const coordinatorStream = await listen(await signInAs(t, 'coordinator'));
		await libraryStream.until(1);
		await clubStream.until(1);
		await coordinatorStream.until(1);
		const progress = (stream: Awaited<ReturnType<typeof listen>>) =>
			stream.events.filter((e) => e.event === 'change').map((e) => e.data);

		// Someone signs up through the library's invite link: the library's dashboard looks again.
		const signup = await t.request('/api/mutations', {
			body: signupMutation({
				communityId: t.community.id,
				email: uniqueEmail('ines'),
				inviteCode: 'EASTSIDE'
			})
		});
		expect(signup.status).toBe(201);
		await expect.poll(() => progress(libraryStream)).toEqual([{ topic: 'progress' }]);

		// She takes the orientation: another stage, again for the library only.
		const ines = sessionCookie(signup);
		const oriented = await t.request('/api/participation/orientation', {
			body: { groundRules: true, techCheck: 'passed' },
			cookie: ines
		});
		expect(oriented.status).toBe(200);
		await expect.poll(() => progress(libraryStream)).toHaveLength(2);

		// A library person and a club person are paired: both dashboards hear of it, once each, and
		// the event names no person and no conversation.
		const coordinator = await signInAs(t, 'coordinator');
		const { rosa, tom } = await matchablePair(t, { rosa: library.id, tom: club.id });
		const paired = await t.request('/api/coordinator/pairs', {
			body: { communityId: t.community.id, a: rosa.user.id, b: tom.user.id },
			cookie: coordinator
		});
		expect(paired.status).toBe(201);
		await expect.poll(() => progress(libraryStream)).toHaveLength(3);
		await expect.poll(() => progress(clubStream)).toEqual([{ topic: 'progress' }]);
		expect(progress(libraryStream)).toEqual(Array(3).fill({ topic: 'progress' }));

		// Tom (the club's) accepts: the club hears of it, and so does the library (Rosa's stage is
		// in that conversation too); a consent would change no stage, so it is not announced.
		const id = (await json<MyMatching>(await t.request('/api/conversations/mine', { cookie: tom.cookie })))
			.conversations[0]!.id;
		await t.request(`/api/conversations/${id}/accept`, { body: {}, cookie: tom.cookie });
		await expect.poll(() => progress(clubStream)).toHaveLength(2);
		await expect.poll(() => progress(libraryStream)).toHaveLength(4);

		// Ines's sign-up and orientation never reached the club.
		expect(progress(clubStream)).toEqual([{ topic: 'progress' }, { topic: 'progress' }]);
		// The coordinators' consoles heard of the sign-up and the orientation too (their pool and
		// directory show the same stages), and of the pairing and the accept once, as conversations.
		const topics = coordinatorStream.events
			.filter((e) => e.event === 'change')
			.map((e) => (e.data as { topic: string }).topic);
		expect(topics).toEqual(['progress', 'progress', 'conversation', 'conversation']);
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

/** A partner organization and a signed-in staff member of it. */
async function signedInStaff(name: string, inviteCode: string) {
	return t.store.transaction(async (repos) => {
		const now = t.clock();
		const { organization, staff } = await organizationWithStaff(repos, { name, inviteCode, now });
		const sessionId = await createSession(repos, { userId: staff.id, now, env: t.env });
		return { id: organization.id, staff: `${sessionCookieName(t.env)}=${sessionId}` };
	});
}
