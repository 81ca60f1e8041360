import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../../src/lib/contracts/auth.ts';
import type { AppEnv } from '../http/context.ts';
import { requireRole } from '../http/session.ts';
import { createTestApp, signInAs, testClock, type TestApp } from '../test/harness.ts';

type Actor = 'anonymous' | Role;
const ACTORS: Actor[] = ['anonymous', ...ROLES];

/**
 * One app per describe block, shared by its rows: each row still signs in its own new person (or
 * nobody) and sends its own request, and no row here changes what another row sees.
 */
function sharedApp(options?: Parameters<typeof createTestApp>[0], setup?: (t: TestApp) => void) {
	const shared: { t?: TestApp } = {};
	beforeAll(async () => {
		shared.t = await createTestApp(options);
		setup?.(shared.t);
	});
	afterAll(() => shared.t?.close());
	return () => {
		if (!shared.t) throw new Error('the shared app did not start');
		return shared.t;
	};
}

async function cookieFor(t: TestApp, actor: Actor) {
	return actor === 'anonymous' ? undefined : signInAs(t, actor);
}

/** Expected status for every actor, per action. */
const table: {
	action: string;
	method: 'GET' | 'POST';
	path: string;
	production?: boolean;
	expect: Record<Actor, number>;
}[] = [
	{
		action: 'read who am I',
		method: 'GET',
		path: '/api/me',
		expect: { anonymous: 401, participant: 200, partner_staff: 200, facilitator: 200, coordinator: 200 }
	},
	{
		action: 'ask who is signed in',
		method: 'GET',
		path: '/api/session',
		expect: { anonymous: 200, participant: 200, partner_staff: 200, facilitator: 200, coordinator: 200 }
	},
	{
		action: 'sign out',
		method: 'POST',
		path: '/api/auth/signout',
		expect: { anonymous: 204, participant: 204, partner_staff: 204, facilitator: 204, coordinator: 204 }
	},
	{
		// signInAs() makes partner staff without an organization: they manage no kiosk (see kiosks.test.ts).
		action: 'list kiosks',
		method: 'GET',
		path: '/api/kiosks',
		expect: { anonymous: 401, participant: 403, partner_staff: 403, facilitator: 403, coordinator: 200 }
	},
	{
		action: 'create a kiosk (empty body: validated only for those allowed)',
		method: 'POST',
		path: '/api/kiosks',
		expect: { anonymous: 401, participant: 403, partner_staff: 403, facilitator: 403, coordinator: 400 }
	},
	{
		action: 'use the kiosk device API without a device token, whoever is signed in',
		method: 'GET',
		path: '/api/kiosk/device',
		expect: { anonymous: 401, participant: 401, partner_staff: 401, facilitator: 401, coordinator: 401 }
	},
	{
		action: 'read the dev mailbox in production',
		method: 'GET',
		path: '/api/dev/mailbox',
		production: true,
		expect: { anonymous: 404, participant: 404, partner_staff: 404, facilitator: 404, coordinator: 404 }
	},
	{
		action: 'open the dev mailbox page in production',
		method: 'GET',
		path: '/dev/mailbox',
		production: true,
		expect: { anonymous: 404, participant: 404, partner_staff: 404, facilitator: 404, coordinator: 404 }
	},
	{
		action: 'list my conversations',
		method: 'GET',
		path: '/api/conversations',
		expect: { anonymous: 401, participant: 200, partner_staff: 200, facilitator: 200, coordinator: 200 }
	},
	{
		// Audio is never served from the tus endpoint, to anyone (issue #6).
		action: 'fetch audio from the upload store',
		method: 'GET',
		path: '/uploads/some-upload-id',
		expect: { anonymous: 401, participant: 403, partner_staff: 403, facilitator: 403, coordinator: 403 }
	},
	{
		action: 'fetch the copy of an unknown conversation',
		method: 'GET',
		path: '/api/conversations/no-such-conversation/copy',
		expect: { anonymous: 401, participant: 404, partner_staff: 404, facilitator: 404, coordinator: 404 }
	},
	{
		action: 'fetch an archive package',
		method: 'GET',
		path: '/api/conversations/no-such-conversation/archive-package',
		expect: { anonymous: 401, participant: 403, partner_staff: 403, facilitator: 403, coordinator: 404 }
	},
	{
		action: 'read the reflection summary',
		method: 'GET',
		path: '/api/reflections/summary',
		expect: { anonymous: 401, participant: 403, partner_staff: 200, facilitator: 403, coordinator: 200 }
	},
	{
		action: 'read the dev mailbox in development',
		method: 'GET',
		path: '/api/dev/mailbox',
		expect: { anonymous: 200, participant: 200, partner_staff: 200, facilitator: 200, coordinator: 200 }
	}
];

describe.each(table)('$action ($method $path)', ({ method, path, production, expect: expected }) => {
	const app = sharedApp({ env: production ? { NODE_ENV: 'production' } : {} });
	it.each(ACTORS)('%s', async (actor) => {
		const t = app();
		const res = await t.request(path, {
			method,
			body: method === 'POST' ? {} : undefined,
			cookie: await cookieFor(t, actor)
		});
		expect(res.status).toBe(expected[actor]);
	});
});

describe('requireRole()', () => {
	const guarded = (t: TestApp) => {
		const app = new Hono<AppEnv>()
			.get('/coordinators', requireRole('coordinator'), (c) => c.text('ok'))
			.get('/staff', requireRole('coordinator', 'facilitator'), (c) => c.text('ok'))
			.get('/anyone', requireRole(), (c) => c.text(c.var.user?.role ?? 'none'));
		t.app.route('/api/test', app);
		return app;
	};
	const cases: { path: string; expect: Record<Actor, number> }[] = [
		{
			path: '/api/test/coordinators',
			expect: { anonymous: 401, participant: 403, partner_staff: 403, facilitator: 403, coordinator: 200 }
		},
		{
			path: '/api/test/staff',
			expect: { anonymous: 401, participant: 403, partner_staff: 403, facilitator: 200, coordinator: 200 }
		},
		{
			path: '/api/test/anyone',
			expect: { anonymous: 401, participant: 200, partner_staff: 200, facilitator: 200, coordinator: 200 }
		}
	];

	describe.each(cases)('$path', ({ path, expect: expected }) => {
		const app = sharedApp({}, guarded);
		it.each(ACTORS)('%s', async (actor) => {
			const t = app();
			const res = await t.request(path, { cookie: await cookieFor(t, actor) });
			expect(res.status).toBe(expected[actor]);
			if (res.status >= 400)
				expect((await res.json()) as object).toMatchObject({
					code: res.status === 401 ? 'unauthenticated' : 'forbidden'
				});
		});
	});

	it('rejects an expired session', async () => {
		const time = testClock();
		const t = await createTestApp({ clock: time.clock, env: { SESSION_TTL_DAYS: '1' } });
		try {
			guarded(t);
			const cookie = await signInAs(t, 'coordinator');
			expect((await t.request('/api/test/coordinators', { cookie })).status).toBe(200);
			time.advanceMinutes(24 * 60 + 1);
			expect((await t.request('/api/test/coordinators', { cookie })).status).toBe(401);
		} finally {
			await t.close();
		}
	});
});
