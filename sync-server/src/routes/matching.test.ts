import { afterEach, describe, expect, it } from 'vitest';
import type { MyMatching, RunPreview, Slots } from '../../../src/lib/contracts/matching.ts';
import type { MailboxEntry } from '../../../src/lib/contracts/dev.ts';
import { approvePairs } from '../matching/runs.ts';
import { createTestApp, signInAs, testClock, type TestApp } from '../test/harness.ts';
import { json, matchablePair, participant } from '../test/matching-fixtures.ts';

let t: TestApp;
afterEach(() => t.close());

async function runAndApprove(t: TestApp, coordinator: string) {
	const preview = await json<RunPreview>(
		await t.request(`/api/coordinator/communities/${t.community.id}/runs`, {
			method: 'POST',
			body: {},
			cookie: coordinator
		})
	);
	const res = await t.request(`/api/coordinator/runs/${preview.runId}/approve`, {
		body: { pairs: preview.pairs.map((p) => ({ a: p.a.id, b: p.b.id })) },
		cookie: coordinator
	});
	return { preview, res };
}

const mine = async (t: TestApp, cookie: string) =>
	json<MyMatching>(await t.request('/api/conversations/mine', { cookie }));

async function mailbox(t: TestApp, to: string) {
	return json<MailboxEntry[]>(await t.request(`/api/dev/mailbox?to=${encodeURIComponent(to)}`));
}

describe('from matching to an agreed time', () => {
	it('pairs two people, shows each only the other’s first name and story, and sends both invites', async () => {
		const time = testClock(new Date('2026-11-02T15:00:00Z'));
		t = await createTestApp({ clock: time.clock });
		const { rosa, tom } = await matchablePair(t);
		const coordinator = await signInAs(t, 'coordinator');
		const { preview, res } = await runAndApprove(t, coordinator);
		expect(preview.pairs).toHaveLength(1);
		expect(preview.pairs[0]!.reason.sharedInterests).toEqual(['gardening']);
		expect(res.status).toBe(200);

		// Every response a participant receives, kept to search for what must never be there.
		const seen: string[] = [];
		const as = async (cookie: string, path: string, body?: unknown) => {
			const r = await t.request(path, { cookie, body, method: body === undefined ? 'GET' : 'POST' });
			seen.push(await r.clone().text());
			return r;
		};
		const rosaView = await json<MyMatching>(await as(rosa.cookie, '/api/conversations/mine'));
		const conversation = rosaView.conversations[0]!;
		expect(conversation.partner).toEqual({ firstName: 'Tom', autobiography: tom.answers.autobiography });
		expect(conversation.inCommon).toEqual(['gardening']);

		await as(rosa.cookie, `/api/conversations/${conversation.id}/accept`, {});
		const afterTom = await json<MyMatching>(
			await as(tom.cookie, `/api/conversations/${conversation.id}/accept`, {})
		);
		expect(afterTom.conversations[0]!.status).toBe('accepted');

		const { slots } = await json<Slots>(await as(rosa.cookie, `/api/conversations/${conversation.id}/slots`));
		expect(slots.length).toBeGreaterThan(0);
		// Tuesday 18:00–20:00 in Chicago (CST, UTC−6): 00:00–02:00 UTC on Wednesday.
		expect(slots[0]).toBe('2026-11-04T00:00:00.000Z');
		await as(rosa.cookie, `/api/conversations/${conversation.id}/time`, { start: slots[0] });
		const agreed = await json<MyMatching>(
			await as(tom.cookie, `/api/conversations/${conversation.id}/time`, { start: slots[0] })
		);
		expect(agreed.conversations[0]).toMatchObject({ status: 'scheduled', scheduledStart: slots[0] });
		await as(tom.cookie, `/api/conversations/${conversation.id}/invite.ics`);

		for (const person of [rosa, tom]) {
			const mail = await mailbox(t, person.answers.email);
			const invite = mail.find((m) => m.attachments.some((a) => a.filename.endsWith('.ics')));
			// iCalendar folds long lines at 75 octets; unfold before searching.
			const ics = invite?.attachments[0]!.content.replace(/\r\n[ \t]/g, '') ?? '';
			expect(ics).toContain(`${t.env.publicUrl}/conversations/${conversation.id}/room`);
			expect(ics).toContain('DTSTART:20261104T000000Z');
			// The whole session, about 90 minutes, not only the 40 recorded (issue #14).
			expect(ics).toContain('DTEND:20261104T013000Z');
			const reminders = mail.filter((m) => m.subject.startsWith('Reminder'));
			expect(reminders.map((m) => m.sendAfter).sort()).toEqual([
				'2026-11-03T00:00:00.000Z',
				'2026-11-03T23:00:00.000Z'
			]);
		}

		const forbidden = [rosa, tom].flatMap((p) => [
			p.answers.lastName,
			p.answers.email,
			p.answers.phone!,
			'555-01',
			'555-02'
		]);
		for (const body of seen) for (const secret of forbidden) expect(body).not.toContain(secret);
	});

	it('rescheduling withdraws the reminders; a no-show can be reported only 10 minutes after the start', async () => {
		const time = testClock(new Date('2026-11-02T15:00:00Z'));
		t = await createTestApp({ clock: time.clock });
		const { rosa, tom } = await matchablePair(t);
		await runAndApprove(t, await signInAs(t, 'coordinator'));
		const id = (await mine(t, rosa.cookie)).conversations[0]!.id;
		for (const p of [rosa, tom])
			await t.request(`/api/conversations/${id}/accept`, { body: {}, cookie: p.cookie });
		const { slots } = await json<Slots>(
			await t.request(`/api/conversations/${id}/slots`, { cookie: rosa.cookie })
		);
		for (const p of [rosa, tom])
			await t.request(`/api/conversations/${id}/time`, { body: { start: slots[0] }, cookie: p.cookie });

		expect(
			(await t.request(`/api/conversations/${id}/reschedule`, { body: {}, cookie: tom.cookie })).status
		).toBe(200);
		expect(
			(await mailbox(t, rosa.answers.email)).filter((m) => m.subject.startsWith('Reminder'))
		).toHaveLength(0);
		for (const p of [rosa, tom])
			await t.request(`/api/conversations/${id}/time`, { body: { start: slots[1] }, cookie: p.cookie });

		time.advanceMinutes((Date.parse(slots[1]!) - time.clock().getTime()) / 60_000 + 5);
		const early = await t.request(`/api/conversations/${id}/no-show`, { body: {}, cookie: rosa.cookie });
		expect(early.status).toBe(409);
		expect(await json(early)).toMatchObject({ code: 'too_early' });
		time.advanceMinutes(5);
		expect(
			(await t.request(`/api/conversations/${id}/no-show`, { body: {}, cookie: rosa.cookie })).status
		).toBe(200);

		const rosaRow = await t.store.participants.findByUserId(rosa.user.id);
		expect(rosaRow?.rematchPriority).toBe(true);
		expect(await t.store.matching.activeConversationOf(rosa.user.id)).toBeUndefined();
		const calendar = await json<{ noShow: unknown }[]>(
			await t.request(`/api/coordinator/conversations?communityId=${t.community.id}&status=no_show`, {
				cookie: await signInAs(t, 'coordinator')
			})
		);
		expect(calendar).toHaveLength(1);
		expect(calendar[0]!.noShow).toEqual({ reportedBy: 'Rosa Delgado', absent: 'Tom Walker' });
	});

	it('a decline puts both back in the pool with priority, and they are not proposed to each other again', async () => {
		t = await createTestApp();
		const { rosa, tom } = await matchablePair(t);
		const coordinator = await signInAs(t, 'coordinator');
		await runAndApprove(t, coordinator);
		const id = (await mine(t, tom.cookie)).conversations[0]!.id;
		const res = await t.request(`/api/conversations/${id}/decline`, {
			body: { reason: 'Not a good week' },
			cookie: tom.cookie
		});
		expect((await json<MyMatching>(res)).conversations[0]!.status).toBe('declined');
		for (const p of [rosa, tom])
			expect((await t.store.participants.findByUserId(p.user.id))?.rematchPriority).toBe(true);
		const { preview } = await runAndApprove(t, coordinator);
		expect(preview.pairs).toHaveLength(0);
		expect(preview.ready).toBe(2);
	});
});

describe('safety of a run', () => {
	it('approves all pairs or none: one bad pair leaves no pair made', async () => {
		t = await createTestApp();
		const { rosa, tom } = await matchablePair(t);
		const cousin = await participant(t, { lastName: 'Delgado', politicalPlacement: 6 });
		const other = await participant(t, { lastName: 'Other', politicalPlacement: 2 });
		const coordinator = await signInAs(t, 'coordinator');
		const preview = await json<RunPreview>(
			await t.request(`/api/coordinator/communities/${t.community.id}/runs`, {
				body: {},
				cookie: coordinator
			})
		);
		const res = await t.request(`/api/coordinator/runs/${preview.runId}/approve`, {
			body: {
				pairs: [
					{ a: other.user.id, b: tom.user.id },
					{ a: rosa.user.id, b: cousin.user.id }
				]
			},
			cookie: coordinator
		});
		expect(res.status).toBe(409);
		expect((await json<{ message: string }>(res)).message).toMatch(
			/Rosa Delgado and Rosa Delgado cannot be paired: they share a last name/
		);
		expect(await t.store.conversations.listForCommunity(t.community.id)).toHaveLength(0);
		expect(await t.store.matching.activeParticipantIds()).toEqual(new Set());
	});

	it('a crash half-way through an approval leaves no half-made pairs', async () => {
		t = await createTestApp();
		const { rosa, tom } = await matchablePair(t);
		const a2 = await participant(t, { lastName: 'Second', phone: '205 555 0303', politicalPlacement: 1 });
		const b2 = await participant(t, { lastName: 'Third', phone: '205 555 0404', politicalPlacement: 7 });
		const approval = t.store.transaction(async (repos) => {
			let claims = 0;
			const crashing = {
				...repos,
				matching: {
					...repos.matching,
					claim: async (ids: readonly string[], conversationId: string) => {
						await repos.matching.claim(ids, conversationId);
						if (++claims === 2) throw new Error('power cut');
					}
				}
			};
			return approvePairs(crashing, {
				community: t.community,
				pairs: [
					{ a: rosa.user.id, b: tom.user.id },
					{ a: a2.user.id, b: b2.user.id }
				],
				env: t.env,
				now: t.clock()
			});
		});
		await expect(approval).rejects.toThrow('power cut');
		expect(await t.store.conversations.listForCommunity(t.community.id)).toHaveLength(0);
		expect(await t.store.matching.activeParticipantIds()).toEqual(new Set());
	});

	it('concurrent approvals are serialized: nobody ends up with two active matches', async () => {
		t = await createTestApp();
		const { rosa, tom } = await matchablePair(t);
		const third = await participant(t, { lastName: 'Third', politicalPlacement: 7 });
		const coordinator = await signInAs(t, 'coordinator');
		const results = await Promise.all(
			[tom, third].map((partner) =>
				t.request('/api/coordinator/pairs', {
					body: { communityId: t.community.id, a: rosa.user.id, b: partner.user.id },
					cookie: coordinator
				})
			)
		);
		expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
		const conversations = await t.store.conversations.listForCommunity(t.community.id);
		expect(conversations).toHaveLength(1);
		expect(conversations[0]!.participantIds).toContain(rosa.user.id);
	});

	it('the database refuses a second active match even if the rules were bypassed', async () => {
		t = await createTestApp();
		const { rosa, tom } = await matchablePair(t);
		const first = await t.store.transaction(async (repos) => {
			const c = await repos.conversations.create({
				communityId: t.community.id,
				participantIds: [rosa.user.id, tom.user.id],
				now: t.clock()
			});
			await repos.matching.claim([rosa.user.id, tom.user.id], c.id);
			return c;
		});
		await expect(
			t.store.transaction((repos) => repos.matching.claim([rosa.user.id], first.id))
		).rejects.toThrow(/UNIQUE|PRIMARY|duplicate key/); // SQLite's words, then PostgreSQL's
	});
});
