import { afterEach, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { CreatedKiosk, EnrolledKiosk, KIOSK_TOKEN_HEADER } from '../../../src/lib/contracts/kiosk.ts';
import { seal } from '../../../src/lib/kiosk/seal.ts';
import { signupMutation, uniqueEmail } from '../test/factories.ts';
import { createTestApp, signInAs, type TestApp } from '../test/harness.ts';

let t: TestApp;
afterEach(() => t.close());

async function organization(name: string, inviteCode: string) {
	return t.store.transaction((repos) =>
		repos.organizations.create({
			name,
			description: '',
			politicalBackground: 'center',
			inviteCode,
			now: t.clock()
		})
	);
}

/** A kiosk of `organizationId`, enrolled: its device token. */
async function enrolledKiosk(cookie: string, organizationId: string) {
	const created = v.parse(
		CreatedKiosk,
		await (
			await t.request('/api/kiosks', {
				body: { label: 'Library', partnerOrganizationId: organizationId },
				cookie
			})
		).json()
	);
	const res = await t.request('/api/kiosk/enroll', { body: { code: created.enrollmentCode } });
	return { kioskId: created.kiosk.id, token: v.parse(EnrolledKiosk, await res.json()).token };
}

async function signUp(headers: Record<string, string>, overrides: { inviteCode?: string } = {}) {
	const mutation = signupMutation({ communityId: t.community.id, email: uniqueEmail('kiosk'), ...overrides });
	const res = await t.request('/api/mutations', { body: mutation, headers });
	expect(res.status).toBe(201);
	return creditedTo(mutation.payload.email);
}

async function creditedTo(email: string) {
	const user = await t.store.users.findByEmail(email);
	return (await t.store.participants.findByUserId(user!.id))?.partnerOrganizationId;
}

// Issue #14: sign-ups at a partner's kiosk were not credited to the partner. The server credits them
// from the authenticated device token, so nothing a visitor types or a page sends can claim an organization.
describe('a sign-up at an enrolled kiosk', { timeout: 60_000 }, () => {
	it("is credited to the kiosk's organization, from its device token", async () => {
		t = await createTestApp();
		const coordinator = await signInAs(t, 'coordinator');
		const library = await organization('Eastside Library Friends', 'EASTSIDE');
		const other = await organization('Red Mountain Club', 'RED-MOUNTAIN');
		const { kioskId, token } = await enrolledKiosk(coordinator, library.id);

		expect(await signUp({ [KIOSK_TOKEN_HEADER]: token })).toBe(library.id);
		// An invite code the visitor brought still wins: it names the organization that invited them.
		expect(await signUp({ [KIOSK_TOKEN_HEADER]: token }, { inviteCode: 'RED-MOUNTAIN' })).toBe(other.id);
		// Away from a kiosk, or with a token that is not a kiosk's, nobody is credited; the sign-up still works.
		expect(await signUp({})).toBeNull();
		expect(await signUp({ [KIOSK_TOKEN_HEADER]: 'not-a-kiosk-token' })).toBeNull();

		await t.request(`/api/kiosks/${kioskId}/revoke`, { body: {}, cookie: coordinator });
		expect(await signUp({ [KIOSK_TOKEN_HEADER]: token })).toBeNull();
	});

	it('is credited the same when it was sealed at Finish and sent through the kiosk queue', async () => {
		t = await createTestApp();
		const library = await organization('Eastside Library Friends', 'EASTSIDE');
		const { token } = await enrolledKiosk(await signInAs(t, 'coordinator'), library.id);
		const key = (await (await t.request('/api/kiosk/sealing-key')).json()) as JsonWebKey;
		const mutation = signupMutation({ communityId: t.community.id, email: uniqueEmail('sealed') });
		const item = await seal({ id: mutation.id, plain: JSON.stringify({ mutation }), serverPublicJwk: key });

		const res = await t.request('/api/kiosk/queue', { body: item, headers: { [KIOSK_TOKEN_HEADER]: token } });
		expect(res.status).toBe(201);
		expect(await creditedTo(mutation.payload.email)).toBe(library.id);
	});
});
