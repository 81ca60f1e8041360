import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MyMatching, RunPreview, Slots } from '../../../src/lib/contracts/matching.ts';
import type { MailboxEntry } from '../../../src/lib/contracts/dev.ts';
import { createTranscoder, type Transcoder } from '../media/ffmpeg.ts';
import { encode, sha256Hex, tonePcm } from '../test/audio.ts';
import { recordedConversation, type Person } from '../test/conversation.ts';
import { createTestApp, signInAs, testClock, type TestApp } from '../test/harness.ts';
import { json, matchablePair } from '../test/matching-fixtures.ts';
import { tusUpload } from '../test/tus.ts';

let t: TestApp;
afterEach(() => t.close());

/** Rosa and Tom, matched, accepted and scheduled; reminders queued. */
async function scheduledPair() {
	const time = testClock(new Date('2026-11-02T15:00:00Z'));
	t = await createTestApp({ clock: time.clock });
	const { rosa, tom } = await matchablePair(t);
	const coordinator = await signInAs(t, 'coordinator');
	const preview = await json<RunPreview>(
		await t.request(`/api/coordinator/communities/${t.community.id}/runs`, { body: {}, cookie: coordinator })
	);
	await t.request(`/api/coordinator/runs/${preview.runId}/approve`, {
		body: { pairs: preview.pairs.map((p) => ({ a: p.a.id, b: p.b.id })) },
		cookie: coordinator
	});
	const id = (await json<MyMatching>(await t.request('/api/conversations/mine', { cookie: rosa.cookie })))
		.conversations[0]!.id;
	for (const p of [rosa, tom])
		await t.request(`/api/conversations/${id}/accept`, { body: {}, cookie: p.cookie });
	const { slots } = await json<Slots>(
		await t.request(`/api/conversations/${id}/slots`, { cookie: rosa.cookie })
	);
	for (const p of [rosa, tom])
		await t.request(`/api/conversations/${id}/time`, { body: { start: slots[0] }, cookie: p.cookie });
	// The talk happens: an hour after its start.
	time.advanceMinutes((Date.parse(slots[0]!) - time.clock().getTime()) / 60_000 + 60);
	return { rosa, tom, coordinator, id };
}

const reminders = async (to: string) =>
	(await json<MailboxEntry[]>(await t.request(`/api/dev/mailbox?to=${encodeURIComponent(to)}`))).filter((m) =>
		m.subject.startsWith('Reminder')
	);

describe('a conversation becomes recorded (issue #14)', () => {
	it('at Stop: recorded for both, reminders withdrawn, counted by the funnel and the calendar', async () => {
		const { rosa, tom, coordinator, id } = await scheduledPair();
		expect(await reminders(rosa.answers.email)).toHaveLength(2);

		const stopped = await t.request(`/api/conversations/${id}/recorded`, {
			body: { durationMs: 41 * 60_000 },
			cookie: tom.cookie
		});
		expect(stopped.status).toBe(200);
		expect((await json<MyMatching>(stopped)).conversations[0]!.status).toBe('recorded');
		const rosaView = await json<MyMatching>(
			await t.request('/api/conversations/mine', { cookie: rosa.cookie })
		);
		expect(rosaView.conversations[0]!.status).toBe('recorded');
		expect(await reminders(rosa.answers.email)).toHaveLength(0);
		expect(await reminders(tom.answers.email)).toHaveLength(0);

		const funnel = await json<{ community: { recorded: number } }>(
			await t.request(`/api/coordinator/funnel?communityId=${t.community.id}`, { cookie: coordinator })
		);
		expect(funnel.community.recorded).toBe(2);
		const calendar = await json<{ id: string; status: string }[]>(
			await t.request(`/api/coordinator/conversations?communityId=${t.community.id}`, { cookie: coordinator })
		);
		expect(calendar).toContainEqual(expect.objectContaining({ id, status: 'recorded' }));

		// The second Stop (the partner's) changes nothing.
		const again = await t.request(`/api/conversations/${id}/recorded`, {
			body: { durationMs: 41 * 60_000 },
			cookie: rosa.cookie
		});
		expect(again.status).toBe(200);
	});

	it('refuses cancel, reschedule and no-show once recorded, with 409 and a way forward', async () => {
		const { rosa, tom, id } = await scheduledPair();
		await t.request(`/api/conversations/${id}/recorded`, {
			body: { durationMs: 60_000 },
			cookie: rosa.cookie
		});
		for (const action of ['cancel', 'reschedule', 'no-show']) {
			const res = await t.request(`/api/conversations/${id}/${action}`, { body: {}, cookie: tom.cookie });
			expect(res.status, action).toBe(409);
			expect(await json(res)).toMatchObject({
				code: 'wrong_state',
				message: expect.stringMatching(/recorded/)
			});
		}
		// Nobody went back to the pool, and the conversation is still there for both.
		const view = await json<MyMatching>(await t.request('/api/conversations/mine', { cookie: tom.cookie }));
		expect(view.conversations.map((c) => c.status)).toEqual(['recorded']);
	});

	it('refuses a Stop without a length, and a stranger’s Stop', async () => {
		const { rosa, id } = await scheduledPair();
		for (const body of [{}, { durationMs: 10 }, { durationMs: '60000' }]) {
			const res = await t.request(`/api/conversations/${id}/recorded`, { body, cookie: rosa.cookie });
			expect(res.status, JSON.stringify(body)).toBe(400);
		}
		const stranger = await signInAs(t, 'participant');
		const res = await t.request(`/api/conversations/${id}/recorded`, {
			body: { durationMs: 60_000 },
			cookie: stranger
		});
		expect(res.status).toBe(404);
		const view = await json<MyMatching>(await t.request('/api/conversations/mine', { cookie: rosa.cookie }));
		expect(view.conversations[0]!.status).toBe('scheduled');
	});
});

describe('when both voices reach the server', () => {
	let transcoder: Transcoder;
	let share: Uint8Array;
	beforeAll(async () => {
		transcoder = createTranscoder();
		share = await encode(transcoder, tonePcm({ seconds: 3, hz: 220, beepsAt: [1] }), 'opus');
	}, 120_000);
	afterAll(() => transcoder.close());

	const upload = (id: string, who: Person, startedAtServerMs: string) =>
		tusUpload(t, who.cookie, share, {
			conversationId: id,
			trackId: `rec1_${who.userId}`,
			kind: 'share',
			sha256: sha256Hex(share),
			durationMs: '3000',
			startedAtServerMs,
			samplesPerSecond: '48000'
		});

	it('a conversation whose Stop never reached the server becomes recorded once both share tracks are confirmed', async () => {
		t = await createTestApp();
		const { ana, ben, conversation } = await recordedConversation(t, { status: 'scheduled' });
		await upload(conversation.id, ana, '1000000');
		await t.media.idle();
		expect((await t.store.conversations.findById(conversation.id))?.status).toBe('scheduled');
		await upload(conversation.id, ben, '1000500');
		await t.media.idle();
		expect((await t.store.conversations.findById(conversation.id))?.status).toBe('recorded');
	});
});
