import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { Community, Health, InviteInfo } from '../../src/lib/contracts/auth.ts';
import { ApiError } from '../../src/lib/contracts/errors.ts';
import { signupMutation } from './test/factories.ts';
import { createTestApp, tempDir, type TestApp } from './test/harness.ts';
import { openTestStore, removeTestStore } from './test/store.ts';

let t: TestApp;
afterEach(() => t.close());

describe('public API', () => {
	it('GET /api/health reports the version', async () => {
		t = await createTestApp({ env: { APP_VERSION: '1.2.3' } });
		const res = await t.request('/api/health');
		expect(res.status).toBe(200);
		expect(v.parse(Health, await res.json())).toEqual({ ok: true, version: '1.2.3' });
		expect(res.headers.get('cache-control')).toBe('no-store');
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		expect(res.headers.get('x-request-id')).toBeTruthy();
	});

	it('GET /api/communities lists the default community', async () => {
		t = await createTestApp({ env: { DEFAULT_COMMUNITY_NAME: 'Tulsa, OK' } });
		const res = await t.request('/api/communities');
		expect(v.parse(v.array(Community), await res.json())).toEqual([
			{ id: t.community.id, name: 'Tulsa, OK', timeZone: 'America/Chicago' }
		]);
	});

	it('GET /api/invites/:code finds the organization case-insensitively, or 404s', async () => {
		t = await createTestApp();
		await t.store.organizations.create({
			name: 'Magic City Neighbors',
			description: '',
			politicalBackground: 'nonpartisan',
			inviteCode: 'MAGIC-CITY',
			now: t.clock()
		});
		const found = await t.request('/api/invites/magic-city');
		expect(v.parse(InviteInfo, await found.json())).toEqual({
			code: 'MAGIC-CITY',
			organizationName: 'Magic City Neighbors'
		});

		const missing = await t.request('/api/invites/NOPE');
		expect(missing.status).toBe(404);
		expect(v.parse(ApiError, await missing.json()).code).toBe('not_found');
	});

	it('a sign-up with an invite code is linked to the organization', async () => {
		t = await createTestApp();
		const org = await t.store.organizations.create({
			name: 'Red Mountain Rotary',
			description: '',
			politicalBackground: 'right',
			inviteCode: 'ROTARY',
			now: t.clock()
		});
		const res = await t.request('/api/mutations', {
			body: signupMutation({ communityId: t.community.id, inviteCode: ' rotary ' })
		});
		const { result } = (await res.json()) as { result: { participantId: string } };
		expect((await t.store.participants.findByUserId(result.participantId))?.partnerOrganizationId).toBe(
			org.id
		);
	});

	it('unknown /api paths are JSON 404s, never the SPA shell', async () => {
		t = await createTestApp();
		const res = await t.request('/api/nothing-here', { headers: { accept: 'text/html' } });
		expect(res.status).toBe(404);
		expect(v.parse(ApiError, await res.json()).code).toBe('not_found');
	});
});

describe('CSRF', () => {
	const signup = () => signupMutation({ communityId: t.community.id });

	it('rejects a cross-origin Origin', async () => {
		t = await createTestApp({ env: { PUBLIC_URL: 'https://conversations.example.org' } });
		const res = await t.request('/api/mutations', {
			body: signup(),
			headers: { origin: 'https://evil.example' }
		});
		expect(res.status).toBe(403);
		expect(v.parse(ApiError, await res.json()).code).toBe('csrf_rejected');
		expect(await t.store.participants.count()).toBe(0);
	});

	it('rejects a form content type, as a cross-site form would send', async () => {
		t = await createTestApp();
		const res = await t.request('/api/mutations', {
			body: JSON.stringify(signup()),
			headers: { 'content-type': 'text/plain' }
		});
		expect(res.status).toBe(403);
		expect(v.parse(ApiError, await res.json()).code).toBe('csrf_rejected');
		expect(await t.store.participants.count()).toBe(0);
	});

	it('rejects a POST without a content type, even with no body', async () => {
		t = await createTestApp();
		const res = await t.app.request('/api/auth/signout', { method: 'POST' });
		expect(res.status).toBe(403);
	});

	it('accepts the public origin and the origin the request was made to', async () => {
		t = await createTestApp({ env: { PUBLIC_URL: 'https://conversations.example.org' } });
		const fromPublic = await t.request('/api/mutations', {
			body: signup(),
			headers: { origin: 'https://conversations.example.org' }
		});
		const fromSelf = await t.request('/api/mutations', {
			body: signup(),
			headers: { origin: 'http://localhost' }
		});
		expect([fromPublic.status, fromSelf.status]).toEqual([201, 201]);
		expect(fromPublic.headers.get('set-cookie')).toMatch(
			/^__Host-cg_session=.*HttpOnly.*Secure.*SameSite=Lax/i
		);
	});

	it('session cookies over http are HttpOnly and SameSite=Lax, without Secure', async () => {
		t = await createTestApp();
		const res = await t.request('/api/mutations', { body: signup() });
		const cookie = res.headers.get('set-cookie') ?? '';
		expect(cookie).toMatch(/^cg_session=/);
		expect(cookie).toMatch(/HttpOnly/);
		expect(cookie).toMatch(/SameSite=Lax/);
		expect(cookie).not.toMatch(/Secure/);
	});
});

describe('static SPA', () => {
	function buildDir() {
		const dir = tempDir('cg-build-');
		mkdirSync(join(dir, '_app/immutable/entry'), { recursive: true });
		writeFileSync(join(dir, '200.html'), `<!doctype html><title>shell</title>${' '.repeat(2000)}`);
		writeFileSync(join(dir, 'service-worker.js'), 'self.addEventListener("fetch", () => {});');
		writeFileSync(
			join(dir, '_app/immutable/entry/app.abc123.js'),
			`console.log(${JSON.stringify('x'.repeat(4000))});`
		);
		writeFileSync(join(dir, 'manifest.webmanifest'), '{}');
		return dir;
	}

	it('serves files with the right caching, falls back to 200.html for navigations, and compresses', async () => {
		t = await createTestApp({ env: { STATIC_DIR: buildDir() } });

		const immutable = await t.request('/_app/immutable/entry/app.abc123.js', {
			headers: { 'accept-encoding': 'gzip' }
		});
		expect(immutable.status).toBe(200);
		expect(immutable.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
		expect(immutable.headers.get('content-encoding')).toBe('gzip');

		const worker = await t.request('/service-worker.js');
		expect(worker.headers.get('cache-control')).toBe('no-cache');
		expect(worker.headers.get('content-type')).toMatch(/javascript/);

		expect((await t.request('/manifest.webmanifest')).headers.get('cache-control')).toBe('no-cache');

		for (const path of ['/', '/signin?token=abc', '/join/ROTARY']) {
			const page = await t.request(path, { headers: { accept: 'text/html' } });
			expect(page.status, path).toBe(200);
			expect(page.headers.get('cache-control')).toBe('no-cache');
			expect(await page.text()).toContain('<title>shell</title>');
		}

		expect((await t.request('/_app/immutable/entry/missing.js')).status).toBe(404);
		expect(
			(await t.request('/api/nope', { headers: { accept: 'text/html' } })).headers.get('content-type')
		).toMatch(/json/);
	});

	it('says the app is not built when STATIC_DIR is missing', async () => {
		t = await createTestApp();
		const res = await t.request('/', { headers: { accept: 'text/html' } });
		expect(res.status).toBe(503);
		expect(await res.text()).toMatch(/npm run build/);
	});
});

describe('close()', () => {
	it('waits for the work a request started after answering, then closes the store and refuses requests', async () => {
		const dataDir = tempDir();
		const errors: string[] = [];
		t = await createTestApp({
			dataDir,
			keepDataDir: true,
			log: { info() {}, warn() {}, error: (message) => errors.push(message) }
		});
		const email = 'closing@example.org';
		await t.store.users.create({
			role: 'participant',
			email,
			firstName: 'Cleo',
			lastName: 'Example',
			phone: null,
			language: 'en',
			partnerOrganizationId: null,
			personalCodeHash: null,
			now: t.clock()
		});
		// Hold the lookup the sign-in link waits on: the answer comes first, the mail is queued after.
		let release: () => void = () => {};
		const gate = new Promise<void>((resolve) => (release = resolve));
		const transaction = t.store.transaction.bind(t.store);
		t.store.transaction = (async (work: Parameters<typeof transaction>[0]) => {
			await gate;
			return transaction(work);
		}) as typeof t.store.transaction;
		expect((await t.request('/api/auth/email-link', { body: { email } })).status).toBe(202);

		let closed = false;
		const closing = t.app.close().then(() => (closed = true));
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(closed).toBe(false);
		expect((await t.request('/api/health')).status).toBe(503);
		release();
		await closing;
		expect(errors).toEqual([]);

		// The mail reached the store before it closed.
		const reopened = await openTestStore({ dataDir });
		expect(await reopened.mail.list({ limit: 10, to: email })).toHaveLength(1);
		await reopened.close();
		rmSync(dataDir, { recursive: true, force: true });
		await removeTestStore(dataDir);
	});
});
