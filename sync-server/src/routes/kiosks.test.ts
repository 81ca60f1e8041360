import { afterEach, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { createHash } from 'node:crypto';
import {
	CHUNK_SHA256_HEADER,
	CreatedKiosk,
	EnrolledKiosk,
	KIOSK_CHUNKS_PATH,
	KIOSK_CODE_CEILING,
	KIOSK_TOKEN_HEADER,
	KIOSK_VISITOR_HEADER,
	KioskOrganizations,
	KioskSummary,
	VisitorGrant
} from '../../../src/lib/contracts/kiosk.ts';
import { CONSENT_TEXT_VERSIONS } from '../../../src/lib/core/consent.ts';
import { seal } from '../../../src/lib/kiosk/seal.ts';
import { recordedConversation } from '../test/conversation.ts';
import { signupMutation, uniqueEmail } from '../test/factories.ts';
import { createTestApp, signInAs, testClock, type TestApp } from '../test/harness.ts';
import { sessionCookieName } from '../http/session.ts';
import { createSession } from '../auth/sessions.ts';

let t: TestApp;
afterEach(() => t.close());

async function staffOf(organizationName: string) {
	return t.store.transaction(async (repos) => {
		const now = t.clock();
		const org = await repos.organizations.create({
			name: organizationName,
			description: '',
			politicalBackground: 'center',
			inviteCode: `K${Math.random().toString(36).slice(2, 8)}`,
			now
		});
		const user = await repos.users.create({
			role: 'partner_staff',
			email: uniqueEmail('staff'),
			firstName: 'Sam',
			lastName: 'Staff',
			phone: null,
			language: 'en',
			partnerOrganizationId: org.id,
			personalCodeHash: null,
			now
		});
		const sessionId = await createSession(repos, { userId: user.id, now, env: t.env });
		return { org, cookie: `${sessionCookieName(t.env)}=${sessionId}` };
	});
}

async function createAndEnroll(cookie: string, label = 'Central Library') {
	const created = v.parse(
		CreatedKiosk,
		await (await t.request('/api/kiosks', { body: { label }, cookie })).json()
	);
	const res = await t.request('/api/kiosk/enroll', { body: { code: created.enrollmentCode.toLowerCase() } });
	expect(res.status).toBe(201);
	return { created, enrolled: v.parse(EnrolledKiosk, await res.json()) };
}

describe('kiosk enrollment', () => {
	it('a one-time code becomes a device token; the code never works twice', async () => {
		t = await createTestApp({ env: { KIOSK_IDLE_WARNING_SECONDS: '30', KIOSK_IDLE_END_SECONDS: '45' } });
		const { org, cookie } = await staffOf('Eastside Library Friends');
		const { created, enrolled } = await createAndEnroll(cookie);
		expect(created.kiosk).toMatchObject({
			label: 'Central Library',
			status: 'waiting',
			organizationName: org.name
		});
		expect(enrolled.device).toMatchObject({
			organizationName: org.name,
			idleWarningSeconds: 30,
			idleEndSeconds: 45
		});
		const again = await t.request('/api/kiosk/enroll', { body: { code: created.enrollmentCode } });
		expect(again.status).toBe(400);
		expect(await again.json()).toMatchObject({ code: 'kiosk_code_invalid' });

		const device = await t.request('/api/kiosk/device', {
			headers: { [KIOSK_TOKEN_HEADER]: enrolled.token }
		});
		expect(device.status).toBe(200);
	});

	it('revoking from the console stops the device at once; staff only reach their own kiosks', async () => {
		t = await createTestApp();
		const east = await staffOf('East');
		const west = await staffOf('West');
		const { created, enrolled } = await createAndEnroll(east.cookie);

		const westList = v.parse(
			v.array(KioskSummary),
			await (await t.request('/api/kiosks', { cookie: west.cookie })).json()
		);
		expect(westList).toEqual([]);
		const westRevoke = await t.request(`/api/kiosks/${created.kiosk.id}/revoke`, {
			body: {},
			cookie: west.cookie
		});
		expect(westRevoke.status).toBe(404);
		const foreign = await t.request('/api/kiosks', {
			body: { label: 'x', partnerOrganizationId: east.org.id },
			cookie: west.cookie
		});
		expect(foreign.status).toBe(403);

		const coordinator = await signInAs(t, 'coordinator');
		const all = v.parse(
			v.array(KioskSummary),
			await (await t.request('/api/kiosks', { cookie: coordinator })).json()
		);
		expect(all.map((k) => k.status)).toEqual(['enrolled']);

		const revoke = await t.request(`/api/kiosks/${created.kiosk.id}/revoke`, {
			body: {},
			cookie: east.cookie
		});
		expect(await revoke.json()).toMatchObject({ status: 'revoked' });
		const device = await t.request('/api/kiosk/device', {
			headers: { [KIOSK_TOKEN_HEADER]: enrolled.token }
		});
		expect(device.status).toBe(401);
		expect(await device.json()).toMatchObject({ code: 'kiosk_revoked' });
	});
});

describe('the kiosk queue', { timeout: 60_000 }, () => {
	it("applies a visitor's sealed sign-up as theirs, exactly once, without giving the kiosk a session", async () => {
		t = await createTestApp();
		const { enrolled } = await createAndEnroll(await signInAs(t, 'coordinator'));
		const headers = { [KIOSK_TOKEN_HEADER]: enrolled.token };
		const key = (await (await t.request('/api/kiosk/sealing-key')).json()) as JsonWebKey;
		const mutation = signupMutation({ communityId: t.community.id, email: uniqueEmail('visitor') });
		const item = await seal({ id: mutation.id, plain: JSON.stringify({ mutation }), serverPublicJwk: key });

		const first = await t.request('/api/kiosk/queue', { body: item, headers });
		expect(first.status).toBe(201);
		expect(first.headers.get('set-cookie')).toBeNull();
		const replay = await t.request('/api/kiosk/queue', { body: item, headers });
		expect(await replay.json()).toMatchObject({ status: 'replayed' });
		const user = await t.store.users.findByEmail(mutation.payload.email);
		expect(user?.role).toBe('participant');

		const tampered = await t.request('/api/kiosk/queue', {
			body: { ...item, id: crypto.randomUUID() },
			headers
		});
		expect(tampered.status).toBe(400);
		const noToken = await t.request('/api/kiosk/queue', { body: item });
		expect(noToken.status).toBe(401);
	});
});

describe("a visitor's sealed change that needs its author", { timeout: 60_000 }, () => {
	it('is applied as the visitor through their grant, and refused without one or from another kiosk', async () => {
		t = await createTestApp();
		const coordinator = await signInAs(t, 'coordinator');
		const library = (await createAndEnroll(coordinator, 'Library')).enrolled;
		const center = (await createAndEnroll(coordinator, 'Center')).enrolled;
		const { ana, conversation } = await recordedConversation(t);
		const key = (await (await t.request('/api/kiosk/sealing-key')).json()) as JsonWebKey;
		const grantRes = await t.request('/api/kiosk/visitor-grant', {
			body: {},
			cookie: ana.cookie,
			headers: { [KIOSK_TOKEN_HEADER]: library.token }
		});
		const { grant } = v.parse(VisitorGrant, await grantRes.json());
		const consent = {
			id: crypto.randomUUID(),
			type: 'consent' as const,
			payload: {
				conversationId: conversation.id,
				kind: 'copy' as const,
				answer: 'yes' as const,
				textVersion: CONSENT_TEXT_VERSIONS.copy,
				language: 'en' as const,
				decidedAt: t.clock().toISOString(),
				archiveFields: null
			}
		};
		const send = async (plain: unknown, token: string) =>
			t.request('/api/kiosk/queue', {
				body: await seal({ id: consent.id, plain: JSON.stringify(plain), serverPublicJwk: key }),
				headers: { [KIOSK_TOKEN_HEADER]: token }
			});

		const anonymous = await send({ mutation: consent }, library.token);
		expect(anonymous.status).toBeGreaterThanOrEqual(400);
		const elsewhere = await send({ mutation: consent, grant }, center.token);
		expect(elsewhere.status).toBe(403);
		const forged = await send({ mutation: consent, grant: `${grant.slice(0, -4)}AAAA` }, library.token);
		expect(forged.status).toBe(403);
		expect(await t.store.consents.listForConversation(conversation.id)).toEqual([]);

		const applied = await send({ mutation: consent, grant }, library.token);
		expect(applied.status).toBe(201);
		const log = await t.store.consents.listForConversation(conversation.id);
		expect(log.map((c) => [c.userId, c.kind, c.answer])).toEqual([[ana.userId, 'copy', 'yes']]);
	});
});

describe('choosing the partner organization of a kiosk', () => {
	it('a coordinator picks any partner; staff see and get only their own', async () => {
		t = await createTestApp();
		const east = await staffOf('East Library Friends');
		const west = await staffOf('West Community Center');
		const coordinator = await signInAs(t, 'coordinator');
		const choices = async (cookie: string) =>
			v.parse(KioskOrganizations, await (await t.request('/api/kiosks/organizations', { cookie })).json());

		expect((await choices(coordinator)).map((o) => o.name).sort()).toEqual([
			'East Library Friends',
			'West Community Center'
		]);
		expect(await choices(west.cookie)).toEqual([{ id: west.org.id, name: 'West Community Center' }]);

		const forWest = await t.request('/api/kiosks', {
			body: { label: 'Branch library', partnerOrganizationId: west.org.id },
			cookie: coordinator
		});
		expect(forWest.status).toBe(201);
		expect(v.parse(CreatedKiosk, await forWest.json()).kiosk.organizationName).toBe('West Community Center');
		const unknown = await t.request('/api/kiosks', {
			body: { label: 'Nowhere', partnerOrganizationId: 'no-such-org' },
			cookie: coordinator
		});
		expect(unknown.status).toBe(400);

		// Staff's kiosks are their organization's whatever they send; they see only those.
		await t.request('/api/kiosks', { body: { label: 'East desk' }, cookie: east.cookie });
		const eastList = v.parse(
			v.array(KioskSummary),
			await (await t.request('/api/kiosks', { cookie: east.cookie })).json()
		);
		expect(eastList.map((k) => [k.label, k.organizationName])).toEqual([
			['East desk', 'East Library Friends']
		]);
	});
});

describe('kiosk enrollment codes', () => {
	it('are limited like personal codes: five wrong ones, then a wait, even for the right code (issue #13)', async () => {
		const time = testClock();
		t = await createTestApp({ clock: time.clock });
		const { cookie } = await staffOf('Northside Library');
		const created = v.parse(
			CreatedKiosk,
			await (await t.request('/api/kiosks', { body: { label: 'Desk' }, cookie })).json()
		);
		for (let i = 0; i < 5; i++) {
			const wrong = await t.request('/api/kiosk/enroll', { body: { code: `ZZZZ-${1000 + i}` } });
			expect(wrong.status).toBe(400);
		}
		const limited = await t.request('/api/kiosk/enroll', { body: { code: created.enrollmentCode } });
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
		expect(await limited.json()).toMatchObject({ code: 'rate_limited' });
		// After the window the right code works.
		time.advanceMinutes(16);
		const enrolled = await t.request('/api/kiosk/enroll', { body: { code: created.enrollmentCode } });
		expect(enrolled.status).toBe(201);
	});
});

describe('personal codes typed at a kiosk (issue #13: one visitor’s typos locked out everyone)', () => {
	it('count per visitor, so the next visitor signs in, under a ceiling for the whole kiosk that staff see', async () => {
		t = await createTestApp();
		const { cookie } = await staffOf('Library of the East');
		const { enrolled } = await createAndEnroll(cookie);
		const signedUp = await t.request('/api/mutations', {
			body: signupMutation({ communityId: t.community.id })
		});
		const { personalCode } = ((await signedUp.json()) as { result: { personalCode: string } }).result;
		const at = (visitor: string, code: string) =>
			t.request('/api/auth/code', {
				body: { code },
				headers: { [KIOSK_TOKEN_HEADER]: enrolled.token, [KIOSK_VISITOR_HEADER]: visitor }
			});
		const first = crypto.randomUUID();
		for (let i = 0; i < 5; i++) expect((await at(first, `ZZZZ-${1000 + i}`)).status).toBe(401);
		expect((await at(first, personalCode)).status, 'the first visitor waits').toBe(429);
		expect((await at(crypto.randomUUID(), personalCode)).status, 'the next visitor is not locked out').toBe(
			200
		);

		// Someone guessing with a new visitor id each time still meets the kiosk's ceiling.
		for (let i = 5; i < KIOSK_CODE_CEILING; i++) await at(crypto.randomUUID(), `ZZZZ-${1000 + i}`);
		expect((await at(crypto.randomUUID(), personalCode)).status).toBe(429);
		const list = v.parse(v.array(KioskSummary), await (await t.request('/api/kiosks', { cookie })).json());
		expect(list[0]?.codeFailures).toBe(KIOSK_CODE_CEILING);
		// A made-up device token is no kiosk: the code counts against the address as anywhere.
		const fake = await t.request('/api/auth/code', {
			body: { code: 'ZZZZ-9999' },
			headers: { [KIOSK_TOKEN_HEADER]: 'not-a-token', [KIOSK_VISITOR_HEADER]: crypto.randomUUID() }
		});
		expect(fake.status).toBe(401);
	});
});

describe('sealed recording chunks', () => {
	it('take their part number in decimal digits only (issue #13: "1e3" and "0x10" were accepted)', async () => {
		t = await createTestApp();
		const { cookie } = await staffOf('Westside Library');
		const { enrolled } = await createAndEnroll(cookie);
		const item = crypto.randomUUID();
		const bytes = new Uint8Array([1, 2, 3, 4]);
		const checksum = createHash('sha256').update(bytes).digest('hex');
		const put = (seq: string) =>
			t.app.request(`${KIOSK_CHUNKS_PATH}/${item}/${seq}`, {
				method: 'PUT',
				headers: { [KIOSK_TOKEN_HEADER]: enrolled.token, [CHUNK_SHA256_HEADER]: checksum },
				body: bytes
			});
		for (const seq of ['1e3', '0x10', '0b1', '%207', '07', '-1', '1.0', '100000', '+3'])
			expect((await put(seq)).status, seq).toBe(404);
		expect((await put('0')).status).toBe(204);
		expect((await put('12')).status).toBe(204);
		const received = await t.app.request(`${KIOSK_CHUNKS_PATH}/${item}`, {
			headers: { [KIOSK_TOKEN_HEADER]: enrolled.token }
		});
		expect(await received.json()).toEqual({ received: [0, 12] });
	});
});
