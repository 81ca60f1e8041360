import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { questionsDocName } from '../../../src/lib/contracts/questions.ts';
import { createTestApp, signInAs, type TestApp } from '../test/harness.ts';

describe('GET /api/questions/:conversationId', () => {
	let t: TestApp;
	let ids: { conversation: string; ana: string; ben: string; fay: string };
	let cookies: Record<string, string>;
	beforeEach(async () => {
		t = await createTestApp();
		cookies = {
			ana: await signInAs(t, 'participant', 'Ana'),
			ben: await signInAs(t, 'participant', 'Ben'),
			fay: await signInAs(t, 'facilitator', 'Fay'),
			cora: await signInAs(t, 'coordinator', 'Cora'),
			zed: await signInAs(t, 'participant', 'Zed'),
			pat: await signInAs(t, 'partner_staff', 'Pat')
		};
		const me = async (cookie: string) =>
			((await (await t.request('/api/me', { cookie })).json()) as { userId: string }).userId;
		ids = {
			ana: await me(cookies.ana!),
			ben: await me(cookies.ben!),
			fay: await me(cookies.fay!),
			conversation: ''
		};
		const conversation = await t.store.transaction((repos) =>
			repos.conversations.create({
				communityId: t.community.id,
				participantIds: [ids.ana, ids.ben],
				facilitatorId: ids.fay,
				now: t.clock()
			})
		);
		ids.conversation = conversation.id;
	});
	afterEach(() => t.close());

	it.each([
		['ana', 200, 'participant'],
		['ben', 200, 'participant'],
		['fay', 200, 'facilitator'],
		['cora', 200, 'observer'],
		['zed', 404, undefined],
		['pat', 404, undefined],
		['nobody', 401, undefined]
	])('%s → %i %s', async (who, status, role) => {
		const res = await t.request(`/api/questions/${ids.conversation}`, { cookie: cookies[who] });
		expect(res.status).toBe(status);
		if (status !== 200) return;
		const body = (await res.json()) as Record<string, unknown>;
		expect(body).toMatchObject({ role, docName: questionsDocName(ids.conversation) });
		// First names only: nothing else about the partners leaves the server.
		expect(body.participants).toEqual([
			{ userId: ids.ana, firstName: 'Ana' },
			{ userId: ids.ben, firstName: 'Ben' }
		]);
		expect(JSON.stringify(body)).not.toMatch(/Example|@example\.org/);
	});

	it('answers 404 for a conversation that does not exist', async () => {
		const res = await t.request(`/api/questions/${crypto.randomUUID()}`, { cookie: cookies.ana });
		expect(res.status).toBe(404);
	});
});
