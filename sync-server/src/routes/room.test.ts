import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { RoomInfo, ServerTime } from '../../../src/lib/contracts/call.ts';
import type { Role } from '../../../src/lib/contracts/auth.ts';
import { roomPeerId } from '../../../src/lib/core/room-peer-id.ts';
import { createSession } from '../auth/sessions.ts';
import { sessionCookieName } from '../http/session.ts';
import { uniqueEmail } from '../test/factories.ts';
import { createTestApp, type TestApp } from '../test/harness.ts';

let t: TestApp;
afterEach(() => t.close());

/** A person with a session: the cookie to send and their user id. */
async function person(role: Role, firstName: string) {
	return t.store.transaction(async (repos) => {
		const now = t.clock();
		const user = await repos.users.create({
			role,
			email: uniqueEmail(firstName.toLowerCase()),
			firstName,
			lastName: 'Private-Surname',
			phone: '(205) 555-0199',
			language: 'en',
			partnerOrganizationId: null,
			personalCodeHash: null,
			now
		});
		const sessionId = await createSession(repos, { userId: user.id, now, env: t.env });
		return { userId: user.id, cookie: `${sessionCookieName(t.env)}=${sessionId}` };
	});
}

type Actor =
	| 'anonymous'
	| 'participant_a'
	| 'participant_b'
	| 'its_facilitator'
	| 'coordinator'
	| 'stranger'
	| 'other_facilitator'
	| 'partner_staff';

describe('GET /api/conversations/:id/room', () => {
	let cookies: Record<Exclude<Actor, 'anonymous'>, string>;
	let ids: Record<string, string>;
	let conversationId: string;

	beforeEach(async () => {
		t = await createTestApp();
		const ada = await person('participant', 'Ada');
		const ben = await person('participant', 'Ben');
		const fay = await person('facilitator', 'Fay');
		const cora = await person('coordinator', 'Cora');
		const zed = await person('participant', 'Zed');
		const fox = await person('facilitator', 'Fox');
		const pat = await person('partner_staff', 'Pat');
		const conversation = await t.store.conversations.create({
			communityId: t.community.id,
			participantIds: [ada.userId, ben.userId],
			facilitatorId: fay.userId,
			status: 'scheduled',
			now: t.clock()
		});
		conversationId = conversation.id;
		ids = { ada: ada.userId, ben: ben.userId, fay: fay.userId };
		cookies = {
			participant_a: ada.cookie,
			participant_b: ben.cookie,
			its_facilitator: fay.cookie,
			coordinator: cora.cookie,
			stranger: zed.cookie,
			other_facilitator: fox.cookie,
			partner_staff: pat.cookie
		};
	});

	// Only the conversation's own people may enter its room (issue #5, "Access").
	it.each([
		['anonymous', 401],
		['participant_a', 200],
		['participant_b', 200],
		['its_facilitator', 200],
		['coordinator', 403],
		['stranger', 403],
		['other_facilitator', 403],
		['partner_staff', 403]
	] as [Actor, number][])('%s → %d', async (actor, status) => {
		const res = await t.request(`/api/conversations/${conversationId}/room`, {
			cookie: actor === 'anonymous' ? undefined : cookies[actor]
		});
		expect(res.status).toBe(status);
		if (status !== 200) {
			const body = (await res.json()) as { code: string; message: string };
			expect(body.code).toBe(status === 401 ? 'unauthenticated' : 'forbidden');
			expect(body.message.length).toBeGreaterThan(20);
		}
	});

	it('tells a participant their peer id, the members by first name only, and the target length', async () => {
		const res = await t.request(`/api/conversations/${conversationId}/room`, {
			cookie: cookies.participant_a
		});
		const room = v.parse(RoomInfo, await res.json());
		expect(room.me).toEqual({
			userId: ids.ada,
			firstName: 'Ada',
			role: 'participant',
			peerId: roomPeerId({ conversationId, userId: ids.ada! })
		});
		expect(room.members.map((m) => [m.firstName, m.role])).toEqual([
			['Ada', 'participant'],
			['Ben', 'participant'],
			['Fay', 'facilitator']
		]);
		expect(room.targetMinutes).toBe(40);
		const text = JSON.stringify(room);
		expect(text).not.toContain('Private-Surname');
		expect(text).not.toContain('555-0199');
		expect(text).not.toContain('@');
	});

	it('answers 404 for a conversation that does not exist', async () => {
		const res = await t.request('/api/conversations/no-such-conversation/room', {
			cookie: cookies.participant_a
		});
		expect(res.status).toBe(404);
	});

	it('closes the room of a called-off conversation', async () => {
		await t.store.conversations.update(conversationId, { status: 'cancelled', now: t.clock() });
		const res = await t.request(`/api/conversations/${conversationId}/room`, {
			cookie: cookies.participant_a
		});
		expect(res.status).toBe(403);
		expect(((await res.json()) as { message: string }).message).toMatch(/called off/);
	});
});

describe('the call’s audio preset in the room (issue #18)', () => {
	async function roomAs(env: Record<string, string>) {
		t = await createTestApp({ env });
		const ada = await person('participant', 'Ada');
		const ben = await person('participant', 'Ben');
		const conversation = await t.store.conversations.create({
			communityId: t.community.id,
			participantIds: [ada.userId, ben.userId],
			facilitatorId: null,
			status: 'scheduled',
			now: t.clock()
		});
		const res = await t.request(`/api/conversations/${conversation.id}/room`, { cookie: ada.cookie });
		return v.parse(RoomInfo, await res.json());
	}

	it('is left out when the server sets none, so the default applies (and older apps still parse it)', async () => {
		expect(await roomAs({})).not.toHaveProperty('callAudioPreset');
	});

	it('carries CALL_AUDIO_PRESET to every member', async () => {
		expect((await roomAs({ CALL_AUDIO_PRESET: 'red' })).callAudioPreset).toBe('red');
	});
});

describe('GET /api/time', () => {
	it('answers the server clock, uncached', async () => {
		t = await createTestApp();
		const res = await t.request('/api/time');
		expect(v.parse(ServerTime, await res.json()).serverTime).toBe(t.clock().getTime());
		expect(res.headers.get('cache-control')).toBe('no-store');
	});
});
