import { afterEach, describe, expect, it } from 'vitest';
import type { Me } from '$lib/contracts/auth';
import { api } from '$lib/sync/api';
import * as v from 'valibot';
import { m } from '$lib/paraglide/messages.js';
import { apiError, fakeServer } from '$lib/testing/fake-server';
import { session } from './session.svelte';

const ana: Me = { userId: 'u-ana', role: 'participant', firstName: 'Ana' };

afterEach(() => {
	localStorage.clear();
	session.me = undefined;
	session.problem = undefined;
});

describe('who is signed in on this browser', () => {
	it('is whoever the server says, and is kept for an offline reload', async () => {
		fakeServer({ 'GET /api/session': { body: { user: ana } } });
		await session.load();
		expect(session.me).toEqual(ana);
		expect(JSON.parse(localStorage.getItem('cg-me')!)).toEqual(ana);
	});

	it('is nobody when the server says so, and the kept person is forgotten', async () => {
		localStorage.setItem('cg-me', JSON.stringify(ana));
		fakeServer({ 'GET /api/session': { body: { user: null } } });
		await session.load();
		expect(session.me).toBeNull();
		expect(localStorage.getItem('cg-me')).toBeNull();
	});

	it('offline, is the person kept on this device, or nobody when none (or something unreadable) is', async () => {
		fakeServer({ 'GET /api/session': 'offline' });
		localStorage.setItem('cg-me', JSON.stringify(ana));
		await session.load();
		expect(session.me).toEqual(ana);

		localStorage.setItem('cg-me', JSON.stringify({ userId: 'u-x', role: 'emperor', firstName: 'X' }));
		await session.load();
		expect(session.me).toBeNull();

		localStorage.clear();
		session.me = undefined;
		await session.load();
		expect(session.me).toBeNull();
	});

	it('stays unknown after a server error rather than guessing', async () => {
		fakeServer({ 'GET /api/session': apiError(500, 'internal') });
		await session.load();
		expect(session.me).toBeUndefined();
	});

	it('becomes nobody as soon as any request is answered "sign in first"', async () => {
		const server = fakeServer({ 'GET /api/session': { body: { user: ana } } });
		await session.load();
		server.on('GET /api/anything', apiError(401, 'unauthenticated'));
		await api('/api/anything', { schema: v.unknown() });
		expect(session.me).toBeNull();
	});

	it('a 403 or another failure does not sign anyone out', async () => {
		const server = fakeServer({ 'GET /api/session': { body: { user: ana } } });
		await session.load();
		server.on('GET /api/anything', apiError(403, 'forbidden'));
		await api('/api/anything', { schema: v.unknown() });
		expect(session.me).toEqual(ana);
	});
});

describe('signing out', () => {
	it('ends the session on the server first, then forgets everything personal on this device', async () => {
		const server = fakeServer({
			'GET /api/session': { body: { user: ana } },
			'POST /api/auth/signout': { status: 204 }
		});
		await session.load();
		localStorage.setItem('cg-my-conversations', '{}');
		localStorage.setItem('cg-language', 'es');

		expect(await session.signOut()).toBe(true);
		expect(server.made('POST /api/auth/signout')).toHaveLength(1);
		expect(session.me).toBeNull();
		expect(localStorage.getItem('cg-me')).toBeNull();
		expect(localStorage.getItem('cg-my-conversations')).toBeNull();
		// Not personal: the next person at this browser may want the same language.
		expect(localStorage.getItem('cg-language')).toBe('es');
	});

	it('keeps the person signed in, and says why, when the server could not end the session', async () => {
		fakeServer({
			'GET /api/session': { body: { user: ana } },
			'POST /api/auth/signout': 'offline'
		});
		await session.load();
		expect(await session.signOut()).toBe(false);
		expect(session.me).toEqual(ana);
		expect(localStorage.getItem('cg-me')).not.toBeNull();
		expect(session.problem).toBe(m.error_offline());
	});
});

describe('whether a page must link to sign-in instead', () => {
	it('does when nobody is signed in, or someone of another role is; not while nobody knows yet', () => {
		session.me = undefined;
		expect(session.signInNeeded('coordinator')).toBe(false);
		session.me = null;
		expect(session.signInNeeded('coordinator')).toBe(true);
		session.me = ana;
		expect(session.signInNeeded('coordinator')).toBe(true);
		expect(session.signInNeeded('participant', 'coordinator')).toBe(false);
	});
});
