import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../../src/lib/contracts/auth.ts';
import { createSession } from '../auth/sessions.ts';
import { sessionCookieName } from '../http/session.ts';
import { approvePairs, previewRun } from '../matching/runs.ts';
import { organizationWithStaff, uniqueEmail } from '../test/factories.ts';
import { createTestApp, signInAs } from '../test/harness.ts';
import { matchablePair, participant } from '../test/matching-fixtures.ts';

/**
 * Issue #3: "each role can do only what it may", over every route this issue adds. Refused is 401
 * (not signed in) or 403 (wrong role); anything else means the role was let through to the action,
 * whose own answer (200, 201, 204, or 409 when the state does not allow it) is listed too.
 */
type Actor = 'anonymous' | Role;
type Ids = {
	conversation: string;
	community: string;
	organization: string;
	run: string;
	rosa: string;
	a2: string;
	b2: string;
};

async function setup() {
	const t = await createTestApp();
	const { rosa, tom } = await matchablePair(t);
	const a2 = await participant(t, { lastName: 'Second', phone: '205 555 0303', politicalPlacement: 1 });
	const b2 = await participant(t, { lastName: 'Third', phone: '205 555 0404', politicalPlacement: 7 });
	const { conversation, organization, run, staffSession } = await t.store.transaction(async (repos) => {
		const now = t.clock();
		const [conversation] = await approvePairs(repos, {
			community: t.community,
			pairs: [{ a: rosa.user.id, b: tom.user.id }],
			env: t.env,
			now
		}).then((o) => (o.ok ? o.value : []));
		const { organization, staff } = await organizationWithStaff(repos, {
			name: 'Library Friends',
			inviteCode: 'LIB-ROLES',
			now
		});
		const { run } = await previewRun(repos, { community: t.community, coordinatorId: staff.id, now });
		return {
			conversation: conversation!,
			organization,
			run,
			staffSession: await createSession(repos, { userId: staff.id, now, env: t.env })
		};
	});
	const cookies: Record<Actor, string | undefined> = {
		anonymous: undefined,
		participant: rosa.cookie,
		partner_staff: `${sessionCookieName(t.env)}=${staffSession}`,
		facilitator: await signInAs(t, 'facilitator'),
		coordinator: await signInAs(t, 'coordinator')
	};
	const ids: Ids = {
		conversation: conversation.id,
		community: t.community.id,
		organization: organization.id,
		run: run.id,
		rosa: rosa.user.id,
		a2: a2.user.id,
		b2: b2.user.id
	};
	return { t, cookies, ids };
}

const only = (role: Role, status: number): Record<Actor, number> => ({
	anonymous: 401,
	participant: 403,
	partner_staff: 403,
	facilitator: 403,
	coordinator: 403,
	[role]: status
});

const table: {
	action: string;
	method: 'GET' | 'POST';
	path: (ids: Ids) => string;
	body?: (ids: Ids) => unknown;
	expect: Record<Actor, number>;
}[] = [
	{
		action: 'read my matches',
		method: 'GET',
		path: () => '/api/conversations/mine',
		expect: only('participant', 200)
	},
	{
		action: 'list the times we are both free',
		method: 'GET',
		path: (i) => `/api/conversations/${i.conversation}/slots`,
		expect: only('participant', 200)
	},
	{
		action: 'download the invite (no time yet)',
		method: 'GET',
		path: (i) => `/api/conversations/${i.conversation}/invite.ics`,
		expect: only('participant', 409)
	},
	{
		action: 'accept a match',
		method: 'POST',
		path: (i) => `/api/conversations/${i.conversation}/accept`,
		expect: only('participant', 200)
	},
	{
		action: 'decline a match',
		method: 'POST',
		path: (i) => `/api/conversations/${i.conversation}/decline`,
		body: () => ({ reason: 'busy' }),
		expect: only('participant', 200)
	},
	{
		action: 'pick a time (before both accepted)',
		method: 'POST',
		path: (i) => `/api/conversations/${i.conversation}/time`,
		body: () => ({ start: '2030-01-01T00:00:00.000Z' }),
		expect: only('participant', 400)
	},
	{
		action: 'reschedule (nothing scheduled)',
		method: 'POST',
		path: (i) => `/api/conversations/${i.conversation}/reschedule`,
		expect: only('participant', 409)
	},
	{
		action: 'cancel a conversation',
		method: 'POST',
		path: (i) => `/api/conversations/${i.conversation}/cancel`,
		expect: only('participant', 200)
	},
	{
		action: 'say the recording was made (Stop)',
		method: 'POST',
		path: (i) => `/api/conversations/${i.conversation}/recorded`,
		body: () => ({ durationMs: 60_000 }),
		expect: only('participant', 200)
	},
	{
		action: 'report a no-show (nothing scheduled)',
		method: 'POST',
		path: (i) => `/api/conversations/${i.conversation}/no-show`,
		expect: only('participant', 409)
	},
	{
		action: 'complete orientation',
		method: 'POST',
		path: () => '/api/participation/orientation',
		body: () => ({ groundRules: true, techCheck: 'passed' }),
		expect: only('participant', 200)
	},
	{
		action: 'read my shortlist (coordinator mode)',
		method: 'GET',
		path: () => '/api/participation/shortlist',
		expect: only('participant', 409)
	},
	{
		action: 'choose from my shortlist (coordinator mode)',
		method: 'POST',
		path: () => '/api/participation/shortlist/choose',
		body: (i) => ({ personId: i.a2 }),
		expect: only('participant', 409)
	},
	{
		action: 'list communities',
		method: 'GET',
		path: () => '/api/coordinator/communities',
		expect: only('coordinator', 200)
	},
	{
		action: 'create a community',
		method: 'POST',
		path: () => '/api/coordinator/communities',
		body: () => ({ name: 'Mobile, AL', timeZone: 'America/Chicago' }),
		expect: only('coordinator', 201)
	},
	{
		action: 'list partner organizations',
		method: 'GET',
		path: () => '/api/coordinator/organizations',
		expect: only('coordinator', 200)
	},
	{
		action: 'create a partner organization',
		method: 'POST',
		path: () => '/api/coordinator/organizations',
		body: () => ({ name: 'Vets Hall', politicalBackground: 'right' }),
		expect: only('coordinator', 201)
	},
	{
		action: 'print an invite QR code',
		method: 'GET',
		path: (i) => `/api/coordinator/organizations/${i.organization}/qr.svg`,
		expect: only('coordinator', 200)
	},
	{
		action: 'create a staff account',
		method: 'POST',
		path: (i) => `/api/coordinator/organizations/${i.organization}/staff`,
		body: () => ({ email: uniqueEmail('new-staff'), firstName: 'Sam' }),
		expect: only('coordinator', 204)
	},
	{
		action: 'search participants',
		method: 'GET',
		path: (i) => `/api/coordinator/participants?communityId=${i.community}&q=ro`,
		expect: only('coordinator', 200)
	},
	{
		action: 'write a note on a participant',
		method: 'POST',
		path: (i) => `/api/coordinator/participants/${i.rosa}/notes`,
		body: () => ({ notes: 'Prefers evenings' }),
		expect: only('coordinator', 204)
	},
	{
		action: 'preview a matching run',
		method: 'POST',
		path: (i) => `/api/coordinator/communities/${i.community}/runs`,
		expect: only('coordinator', 201)
	},
	{
		action: 'approve a matching run',
		method: 'POST',
		path: (i) => `/api/coordinator/runs/${i.run}/approve`,
		body: () => ({ pairs: [] }),
		expect: only('coordinator', 200)
	},
	{
		action: 'discard a matching run',
		method: 'POST',
		path: (i) => `/api/coordinator/runs/${i.run}/discard`,
		expect: only('coordinator', 204)
	},
	{
		action: 'pair two people by hand',
		method: 'POST',
		path: () => '/api/coordinator/pairs',
		body: (i) => ({ communityId: i.community, a: i.a2, b: i.b2 }),
		expect: only('coordinator', 201)
	},
	{
		action: 'read the calendar',
		method: 'GET',
		path: (i) => `/api/coordinator/conversations?communityId=${i.community}`,
		expect: only('coordinator', 200)
	},
	{
		action: 'list facilitators',
		method: 'GET',
		path: () => '/api/coordinator/facilitators',
		expect: only('coordinator', 200)
	},
	{
		action: 'assign a facilitator',
		method: 'POST',
		path: (i) => `/api/coordinator/conversations/${i.conversation}/facilitator`,
		body: () => ({ facilitatorId: null }),
		expect: only('coordinator', 204)
	},
	{
		action: 'read the funnels',
		method: 'GET',
		path: (i) => `/api/coordinator/funnel?communityId=${i.community}`,
		expect: only('coordinator', 200)
	},
	{
		action: 'read my organization’s dashboard',
		method: 'GET',
		path: () => '/api/partner/dashboard',
		expect: only('partner_staff', 200)
	},
	{
		action: 'export my organization’s CSV',
		method: 'GET',
		path: () => '/api/partner/export.csv',
		expect: only('partner_staff', 200)
	}
];

// The permitted actor goes last, so that refused attempts never see a state it changed.
const order = (expected: Record<Actor, number>): Actor[] =>
	(['anonymous', ...ROLES] as Actor[]).sort(
		(x, y) => Number(expected[x] < 400) - Number(expected[y] < 400) || (x < y ? -1 : 1)
	);

describe.each(table)('$action ($method)', ({ method, path, body, expect: expected }) => {
	let s: Awaited<ReturnType<typeof setup>>;
	beforeAll(async () => {
		s = await setup();
	}, 60_000);
	afterAll(() => s.t.close());
	it.each(order(expected))('%s', async (actor) => {
		const res = await s.t.request(path(s.ids), {
			method,
			body: method === 'POST' ? (body?.(s.ids) ?? {}) : undefined,
			cookie: s.cookies[actor]
		});
		expect(res.status).toBe(expected[actor]);
	});
});

describe('outside one’s own things', () => {
	it('a participant who is not in a conversation cannot see or touch it', async () => {
		const s = await setup();
		const stranger = await participant(s.t, { lastName: 'Stranger', phone: '205 555 0909' });
		for (const [method, suffix] of [
			['GET', 'slots'],
			['GET', 'invite.ics'],
			['POST', 'accept'],
			['POST', 'decline'],
			['POST', 'cancel']
		] as const) {
			const res = await s.t.request(`/api/conversations/${s.ids.conversation}/${suffix}`, {
				method,
				body: method === 'POST' ? {} : undefined,
				cookie: stranger.cookie
			});
			expect(res.status, `${method} ${suffix}`).toBe(404);
		}
		await s.t.close();
	});

	it('partner staff see only their own organization’s people, and no autobiography', async () => {
		const s = await setup();
		const other = await s.t.store.transaction((repos) =>
			repos.organizations.create({
				name: 'Other Org',
				description: '',
				politicalBackground: 'left',
				inviteCode: 'OTHER-ORG',
				now: s.t.clock()
			})
		);
		const ours = await participant(
			s.t,
			{ firstName: 'Ours', lastName: 'Constituent', phone: '205 555 0808' },
			{ partnerOrganizationId: s.ids.organization, oriented: false }
		);
		await participant(
			s.t,
			{ firstName: 'Theirs', lastName: 'Elsewhere', phone: '205 555 0707' },
			{ partnerOrganizationId: other.id }
		);
		const res = await s.t.request('/api/partner/dashboard', { cookie: s.cookies.partner_staff });
		const text = await res.text();
		expect(res.status).toBe(200);
		const people = (JSON.parse(text) as { people: { firstName: string; stage: string }[] }).people;
		expect(people).toEqual([expect.objectContaining({ firstName: 'Ours', stage: 'signed_up' })]);
		for (const name of ['Rosa', 'Tom', 'Theirs']) expect(text).not.toContain(name);
		expect(text).not.toContain(ours.answers.autobiography);
		const csv = await (
			await s.t.request('/api/partner/export.csv', { cookie: s.cookies.partner_staff })
		).text();
		expect(csv.split('\r\n')[1]).toMatch(/^Ours,Constituent,/);
		expect(csv).not.toContain('Theirs');
		await s.t.close();
	});
});
