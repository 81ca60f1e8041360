import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { Me } from '../../../src/lib/contracts/auth.ts';
import { ApiError } from '../../../src/lib/contracts/errors.ts';
import { MutationResponse } from '../../../src/lib/contracts/mutations.ts';
import { signupMutation, validQuestionnaire } from '../test/factories.ts';
import { createTestApp, sessionCookie, type TestApp } from '../test/harness.ts';

let t: TestApp;
beforeEach(async () => {
	t = await createTestApp({ env: { BODY_LIMIT_BYTES: '4096' } });
});
afterEach(() => t.close());

async function counts() {
	return {
		participants: await t.store.participants.count(),
		mail: (await t.store.mail.list({ limit: 100 })).length
	};
}

describe('POST /api/mutations (signup)', () => {
	it('creates exactly one participant, signs them in and queues the welcome email', async () => {
		const mutation = signupMutation({ communityId: t.community.id, email: '  Rosa.Delgado@Example.org ' });
		const res = await t.request('/api/mutations', { body: mutation });

		expect(res.status).toBe(201);
		const body = v.parse(MutationResponse, await res.json());
		expect(body).toMatchObject({ id: mutation.id, status: 'applied' });
		expect(body.result).toMatchObject({ firstName: 'Rosa', emailSentTo: 'rosa.delgado@example.org' });
		expect(body.result.personalCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
		expect(await counts()).toEqual({ participants: 1, mail: 1 });

		const participant = await t.store.participants.findByUserId(body.result.participantId);
		expect(participant).toMatchObject({ communityId: t.community.id, status: 'signed_up' });
		expect(JSON.parse(participant?.answersJson ?? '{}')).toMatchObject({ email: 'rosa.delgado@example.org' });

		const [mail] = await t.store.mail.list({ limit: 1 });
		expect(mail?.to).toBe('rosa.delgado@example.org');
		expect(mail?.text).toContain(`${t.env.publicUrl}/signin?token=`);
		expect(mail?.text).toContain(body.result.personalCode);

		const me = await t.request('/api/me', { cookie: sessionCookie(res) });
		expect(v.parse(Me, await me.json())).toEqual({
			userId: body.result.participantId,
			role: 'participant',
			firstName: 'Rosa'
		});
	});

	it('replays the same mutation id: same result, still one participant, and signs in again', async () => {
		const mutation = signupMutation({ communityId: t.community.id });
		const first = v.parse(
			MutationResponse,
			await (await t.request('/api/mutations', { body: mutation })).json()
		);

		const again = await t.request('/api/mutations', { body: mutation });
		expect(again.status).toBe(200);
		const replay = v.parse(MutationResponse, await again.json());
		expect(replay.status).toBe('replayed');
		expect(replay.result).toEqual(first.result);
		expect(await counts()).toEqual({ participants: 1, mail: 1 });
		const me = await t.request('/api/me', { cookie: sessionCookie(again) });
		expect(me.status).toBe(200);
	});

	it('counts a replay that differs only in what validation normalises as the same mutation', async () => {
		const mutation = signupMutation({ communityId: t.community.id, firstName: 'Rosa' });
		await t.request('/api/mutations', { body: mutation });
		const reordered = {
			payload: { ...mutation.payload, firstName: '  Rosa ' },
			type: 'signup',
			id: mutation.id
		};
		const res = await t.request('/api/mutations', { body: reordered });
		expect(res.status).toBe(200);
		expect(await t.store.participants.count()).toBe(1);
	});

	it('rejects the same id with a different payload as a conflict and writes nothing', async () => {
		const mutation = signupMutation({ communityId: t.community.id });
		await t.request('/api/mutations', { body: mutation });
		const before = await counts();

		const res = await t.request('/api/mutations', {
			body: { ...mutation, payload: { ...mutation.payload, firstName: 'Someone else' } }
		});
		expect(res.status).toBe(409);
		expect(v.parse(ApiError, await res.json()).code).toBe('mutation_conflict');
		expect(res.headers.get('set-cookie')).toBeNull();
		expect(await counts()).toEqual(before);
	});
});

describe('POST /api/mutations rejects bad input without writing anything', () => {
	const valid = () => signupMutation({ communityId: t.community.id });
	const withPayload = (changes: Record<string, unknown>) => {
		const m = valid();
		return { ...m, payload: { ...m.payload, ...changes } };
	};
	const withoutField = (field: string) => {
		const m = valid();
		const payload: Record<string, unknown> = { ...m.payload };
		delete payload[field];
		return { ...m, payload };
	};

	const cases: {
		name: string;
		body: () => unknown;
		status: number;
		code: string;
		fields?: string[];
		setup?: () => Promise<void>;
	}[] = [
		{ name: 'malformed JSON', body: () => '{"id": "1", "type": ', status: 400, code: 'bad_json' },
		{
			name: 'a body over the limit',
			body: () => withPayload({ motivation: 'x'.repeat(5000) }),
			status: 413,
			code: 'body_too_large'
		},
		{
			name: 'an unknown field',
			body: () => withPayload({ favouriteColour: 'teal' }),
			status: 400,
			code: 'validation_failed',
			fields: ['favouriteColour']
		},
		{
			name: 'a wrong type',
			body: () =>
				withPayload({
					politicalPlacement: 'very',
					issueStances: { ...valid().payload.issueStances, guns: 'maybe' }
				}),
			status: 400,
			code: 'validation_failed',
			fields: ['politicalPlacement', 'issueStances.guns']
		},
		{
			name: 'a missing required field',
			body: () => withoutField('email'),
			status: 400,
			code: 'validation_failed',
			fields: ['email']
		},
		{
			name: 'a mutation id that is not a UUID',
			body: () => ({ ...valid(), id: 'not-a-uuid' }),
			status: 400,
			code: 'validation_failed',
			fields: ['id']
		},
		{
			name: 'an unknown mutation type',
			body: () => ({ ...valid(), type: 'delete_everything' }),
			status: 400,
			code: 'validation_failed',
			fields: ['type']
		},
		{ name: 'a JSON array', body: () => [], status: 400, code: 'validation_failed' },
		{
			name: 'an unknown community',
			body: () => withPayload({ communityId: 'atlantis' }),
			status: 400,
			code: 'unknown_community',
			fields: ['communityId']
		},
		{
			name: 'an unknown invite code',
			body: () => withPayload({ inviteCode: 'NOPE-123' }),
			status: 400,
			code: 'unknown_invite_code',
			fields: ['inviteCode']
		}
	];

	it.each(cases)('$name → $status $code', async ({ body, status, code, fields, setup }) => {
		await setup?.();
		const before = await counts();
		const res = await t.request('/api/mutations', { body: body() });

		expect(res.status).toBe(status);
		const error = v.parse(ApiError, await res.json());
		expect(error.code).toBe(code);
		expect(error.message.length).toBeGreaterThan(20);
		expect(error.requestId).toBe(res.headers.get('x-request-id'));
		expect(JSON.stringify(error)).not.toMatch(/at .*\.ts:\d+/);
		if (fields) expect(Object.keys(error.fields ?? {}).sort()).toEqual([...fields].sort());
		expect(res.headers.get('set-cookie')).toBeNull();
		expect(await counts()).toEqual(before);
	});

	it('refuses control characters in names and free text, and writes nothing (issue #13)', async () => {
		const before = await counts();
		for (const overrides of [
			{ firstName: 'Ana\u0000' },
			{ lastName: 'Doe\u001b[2J' },
			{ motivation: 'I want to listen.\u0007 Really, and to be heard too.' },
			{ interests: ['gardening', 'chess\u0000'] }
		]) {
			const payload = { ...validQuestionnaire({ communityId: t.community.id }), ...overrides };
			const res = await t.request('/api/mutations', {
				body: { id: crypto.randomUUID(), type: 'signup', payload }
			});
			expect(res.status, JSON.stringify(overrides)).toBe(400);
			const error = v.parse(ApiError, await res.json());
			expect(error.code).toBe('validation_failed');
			expect(JSON.stringify(error.fields)).toContain('control characters');
		}
		expect(await counts()).toEqual(before);
		// Line breaks where text has several lines are ordinary writing.
		const res = await t.request('/api/mutations', {
			body: signupMutation({
				communityId: t.community.id,
				motivation: 'First I want to listen.\nThen to talk.'
			})
		});
		expect(res.status).toBe(201);
	});
});

describe('POST /api/mutations (sign-up with an email that has an account, issue #13)', () => {
	const signUp = (email: string, firstName = 'Rosa') =>
		t.request('/api/mutations', { body: signupMutation({ communityId: t.community.id, email, firstName }) });

	it('answers exactly as for a new sign-up, signs nobody in, and emails the owner a sign-in link', async () => {
		const first = await signUp('rosa@example.org');
		const owner = v.parse(MutationResponse, await first.json());
		const before = await t.store.participants.count();

		const again = await signUp('ROSA@example.org', 'Mallory');
		// Same status, same shape, a cookie: nothing in the answer says the address was known.
		expect(again.status).toBe(first.status);
		const decoy = v.parse(MutationResponse, await again.json());
		expect(Object.keys(decoy.result).sort()).toEqual(Object.keys(owner.result).sort());
		expect(decoy).toMatchObject({
			status: 'applied',
			result: { firstName: 'Mallory', emailSentTo: 'rosa@example.org' }
		});
		expect(decoy.result.personalCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
		expect(decoy.result.participantId).not.toBe(owner.result.participantId);
		expect(again.headers.get('set-cookie')).toMatch(/HttpOnly/i);

		// It opens nothing: not the cookie, not the code, and no second account exists.
		expect((await t.request('/api/me', { cookie: sessionCookie(again) })).status).toBe(401);
		const byCode = await t.request('/api/auth/code', { body: { code: decoy.result.personalCode } });
		expect(byCode.status).toBeGreaterThanOrEqual(400);
		expect(await t.store.participants.count()).toBe(before);

		// The owner hears of it, in their own account's name, with a link that signs them in.
		const mails = await t.store.mail.list({ limit: 10 });
		const notice = mails.find((mail) => mail.subject === 'You already have a Common Ground account');
		expect(notice?.to).toBe('rosa@example.org');
		expect(notice?.text).toContain('Hi Rosa,');
		expect(notice?.text).not.toContain(decoy.result.personalCode);
		const token = /signin\?token=([\w-]+)/.exec(notice?.text ?? '')?.[1] ?? '';
		const signedIn = await t.request('/api/auth/link', { body: { token } });
		expect(signedIn.status).toBe(200);
		expect(
			v.parse(Me, await (await t.request('/api/me', { cookie: sessionCookie(signedIn) })).json())
		).toMatchObject({
			userId: owner.result.participantId
		});
	});

	it('a replay of the decoy gives the same answer and still signs nobody in', async () => {
		await signUp('ana@example.org');
		const mutation = signupMutation({ communityId: t.community.id, email: 'ana@example.org' });
		const first = v.parse(
			MutationResponse,
			await (await t.request('/api/mutations', { body: mutation })).json()
		);
		const replayed = await t.request('/api/mutations', { body: mutation });
		expect(replayed.status).toBe(200);
		expect(v.parse(MutationResponse, await replayed.json())).toEqual({ ...first, status: 'replayed' });
		expect((await t.request('/api/me', { cookie: sessionCookie(replayed) })).status).toBe(401);
	});

	it('mails the owner at most 5 times an hour, however often the address is signed up with', async () => {
		await signUp('ben@example.org');
		for (let i = 0; i < 8; i++) expect((await signUp('ben@example.org')).status).toBe(201);
		const notices = (await t.store.mail.list({ limit: 50 })).filter((mail) => mail.to === 'ben@example.org');
		expect(notices.length).toBe(1 + 5);
	});
});
