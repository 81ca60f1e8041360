import { afterEach, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { Me, Session } from '../../../src/lib/contracts/auth.ts';
import { ApiError } from '../../../src/lib/contracts/errors.ts';
import { MutationResponse } from '../../../src/lib/contracts/mutations.ts';
import { signupMutation } from '../test/factories.ts';
import { createTestApp, latestSignInToken, sessionCookie, testClock, type TestApp } from '../test/harness.ts';

let t: TestApp;
afterEach(() => t.close());

async function signUp(email = `link.${crypto.randomUUID()}@example.org`) {
	const res = await t.request('/api/mutations', {
		body: signupMutation({ communityId: t.community.id, email })
	});
	const body = v.parse(MutationResponse, await res.json());
	return { email, ...body.result };
}

async function errorCode(res: Response) {
	return v.parse(ApiError, await res.json()).code;
}

describe('POST /api/auth/link', () => {
	it('signs in once; the second use is link_used', async () => {
		t = await createTestApp();
		const person = await signUp();
		const token = await latestSignInToken(t, person.email);

		const first = await t.request('/api/auth/link', { body: { token } });
		expect(first.status).toBe(200);
		expect(v.parse(Me, await first.json())).toMatchObject({
			userId: person.participantId,
			role: 'participant'
		});
		const me = await t.request('/api/me', { cookie: sessionCookie(first) });
		expect(me.status).toBe(200);

		const second = await t.request('/api/auth/link', { body: { token } });
		expect(second.status).toBe(410);
		expect(await errorCode(second)).toBe('link_used');
		expect(second.headers.get('set-cookie')).toBeNull();
	});

	it('refuses an expired link with link_expired', async () => {
		const time = testClock();
		t = await createTestApp({ clock: time.clock, env: { SIGNIN_LINK_TTL_MINUTES: '60' } });
		const person = await signUp();
		const token = await latestSignInToken(t, person.email);

		time.advanceMinutes(61);
		const res = await t.request('/api/auth/link', { body: { token } });
		expect(res.status).toBe(410);
		expect(await errorCode(res)).toBe('link_expired');
	});

	it('accepts a link just before it expires', async () => {
		const time = testClock();
		t = await createTestApp({ clock: time.clock, env: { SIGNIN_LINK_TTL_MINUTES: '60' } });
		const token = await latestSignInToken(t, (await signUp()).email);
		time.advanceMinutes(59);
		expect((await t.request('/api/auth/link', { body: { token } })).status).toBe(200);
	});

	it.each([
		['an unknown token', { token: 'x'.repeat(43) }],
		['a token cut short', { token: 'abc' }]
	])('refuses %s with link_invalid', async (_name, body) => {
		t = await createTestApp();
		const res = await t.request('/api/auth/link', { body });
		expect(res.status).toBe(400);
		expect(await errorCode(res)).toBe('link_invalid');
	});
});

describe('POST /api/auth/code', () => {
	it('signs in with the personal code, however it is typed', async () => {
		t = await createTestApp();
		const person = await signUp();
		const typed = ` ${person.personalCode.toLowerCase().replace('-', ' ').replace(/0/g, 'o').replace(/1/g, 'l')} `;

		const res = await t.request('/api/auth/code', { body: { code: typed } });
		expect(res.status).toBe(200);
		expect(v.parse(Me, await res.json()).userId).toBe(person.participantId);
		expect((await t.request('/api/me', { cookie: sessionCookie(res) })).status).toBe(200);
	});

	it('answers a wrong code with 401 code_invalid', async () => {
		t = await createTestApp();
		await signUp();
		const res = await t.request('/api/auth/code', { body: { code: 'ZZZZ-ZZZZ' } });
		expect(res.status).toBe(401);
		const error = v.parse(ApiError, await res.json());
		expect(error.code).toBe('code_invalid');
		expect(error.fields?.code).toBeDefined();
	});

	it('rate-limits per address: after 5 failures even the right code gets 429 with Retry-After', async () => {
		const time = testClock();
		t = await createTestApp({ clock: time.clock, env: { TRUST_PROXY: 'true' } });
		const person = await signUp();
		const from = (ip: string, code: string) =>
			t.request('/api/auth/code', { body: { code }, headers: { 'x-forwarded-for': ip } });

		for (let i = 0; i < 5; i++) expect((await from('203.0.113.7', `WRONG00${i}`)).status).toBe(401);
		const blocked = await from('203.0.113.7', person.personalCode);
		expect(blocked.status).toBe(429);
		expect(await errorCode(blocked)).toBe('rate_limited');
		expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);

		expect((await from('198.51.100.2', person.personalCode)).status).toBe(200);
		time.advanceMinutes(16);
		expect((await from('203.0.113.7', person.personalCode)).status).toBe(200);
	});

	it('rate-limits per code across addresses', async () => {
		t = await createTestApp({ env: { TRUST_PROXY: 'true' } });
		for (let i = 0; i < 5; i++) {
			const res = await t.request('/api/auth/code', {
				body: { code: 'ABCD-EFGH' },
				headers: { 'x-forwarded-for': `192.0.2.${i}` }
			});
			expect(res.status).toBe(401);
		}
		const res = await t.request('/api/auth/code', {
			body: { code: 'abcd efgh' },
			headers: { 'x-forwarded-for': '192.0.2.99' }
		});
		expect(res.status).toBe(429);
	});
});

describe('POST /api/auth/email-link', () => {
	it('answers 202 either way, and mails a fresh link only to an existing account', async () => {
		t = await createTestApp();
		const person = await signUp();
		const firstToken = await latestSignInToken(t, person.email);

		const known = await t.request('/api/auth/email-link', { body: { email: person.email.toUpperCase() } });
		const unknown = await t.request('/api/auth/email-link', { body: { email: 'nobody@example.org' } });
		expect([known.status, unknown.status]).toEqual([202, 202]);
		expect(await unknown.text()).toBe('');
		expect(await t.store.mail.list({ limit: 10, to: 'nobody@example.org' })).toHaveLength(0);

		// The email is queued just after the answer (the answer never waits on the lookup).
		await expect.poll(() => latestSignInToken(t, person.email)).not.toBe(firstToken);
		const freshToken = await latestSignInToken(t, person.email);
		expect((await t.request('/api/auth/link', { body: { token: freshToken } })).status).toBe(200);
		expect(await t.store.mail.list({ limit: 10, to: 'nobody@example.org' })).toHaveLength(0);
	});

	it('answers before it looks the address up, so its timing tells nothing (issue #13)', async () => {
		t = await createTestApp();
		const person = await signUp();
		let release: () => void = () => {};
		const gate = new Promise<void>((resolve) => (release = resolve));
		const transaction = t.store.transaction.bind(t.store);
		let lookups = 0;
		t.store.transaction = (async (work: Parameters<typeof transaction>[0]) => {
			lookups += 1;
			await gate;
			return transaction(work);
		}) as typeof t.store.transaction;
		for (const email of [person.email, 'nobody@example.org']) {
			const res = await t.request('/api/auth/email-link', { body: { email } });
			expect(res.status, email).toBe(202);
		}
		// Both answered while the database was still held: neither waited on the lookup.
		expect(lookups).toBe(2);
		release();
		t.store.transaction = transaction;
		await expect.poll(async () => (await t.store.mail.list({ limit: 10, to: person.email })).length).toBe(2);
	});

	it('validates the address', async () => {
		t = await createTestApp();
		const res = await t.request('/api/auth/email-link', { body: { email: 'not an email' } });
		expect(res.status).toBe(400);
		expect(v.parse(ApiError, await res.json()).fields?.email).toBeDefined();
	});
});

describe('POST /api/auth/signout', () => {
	it('ends the session on the server, not only in the browser', async () => {
		t = await createTestApp();
		const res = await t.request('/api/mutations', { body: signupMutation({ communityId: t.community.id }) });
		const cookie = sessionCookie(res);

		const out = await t.request('/api/auth/signout', { body: {}, cookie });
		expect(out.status).toBe(204);
		expect(out.headers.get('set-cookie')).toMatch(/cg_session=;.*Max-Age=0/);
		expect((await t.request('/api/me', { cookie })).status).toBe(401);
	});
});

describe('GET /api/session', () => {
	it('answers 200 with nobody for a visitor, and the person once signed in, never more than Me', async () => {
		t = await createTestApp();
		const anonymous = await t.request('/api/session');
		expect(anonymous.status).toBe(200);
		expect(v.parse(Session, await anonymous.json())).toEqual({ user: null });

		const person = await signUp();
		const res = await t.request('/api/auth/link', {
			body: { token: await latestSignInToken(t, person.email) }
		});
		const signedIn = await t.request('/api/session', { cookie: sessionCookie(res) });
		expect(await signedIn.json()).toEqual({
			user: { userId: person.participantId, role: 'participant', firstName: person.firstName }
		});

		await t.request('/api/auth/signout', { body: {}, cookie: sessionCookie(res) });
		expect(await (await t.request('/api/session', { cookie: sessionCookie(res) })).json()).toEqual({
			user: null
		});
	});
});
