import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
	fetchVisitorGrant,
	GRANT_RETRY_MS,
	noteVisitorSignedIn,
	shouldAskForGrant,
	visitorSignedIn
} from './visitor-grant';

/** The tab's sessionStorage, which Node lacks. */
function memoryStorage(): Storage {
	const items = new Map<string, string>();
	return {
		get length() {
			return items.size;
		},
		clear: () => items.clear(),
		getItem: (key) => items.get(key) ?? null,
		key: (i) => [...items.keys()][i] ?? null,
		removeItem: (key) => void items.delete(key),
		setItem: (key, value) => void items.set(key, String(value))
	};
}

beforeEach(() => vi.stubGlobal('sessionStorage', memoryStorage()));
afterEach(() => vi.unstubAllGlobals());

// Issue #14: with nobody signed in, the kiosk asked every 15 s and got a 401 each time (13 in a sign-up).
describe('shouldAskForGrant', () => {
	const now = 100_000;
	it('never asks while nobody is signed in on this tab', () => {
		expect(shouldAskForGrant({ signedIn: false, hasGrant: false, lastAskedAt: 0, now })).toBe(false);
	});

	it('asks once someone signed in, then at most every 15 s, and not at all once it holds a grant', () => {
		expect(shouldAskForGrant({ signedIn: true, hasGrant: false, lastAskedAt: 0, now })).toBe(true);
		const lastAskedAt = now - GRANT_RETRY_MS + 1;
		expect(shouldAskForGrant({ signedIn: true, hasGrant: false, lastAskedAt, now })).toBe(false);
		expect(shouldAskForGrant({ signedIn: true, hasGrant: true, lastAskedAt: 0, now })).toBe(false);
	});
});

describe('fetchVisitorGrant', () => {
	it('forgets the sign-in when the server answers 401, so the kiosk stops asking', async () => {
		noteVisitorSignedIn();
		expect(visitorSignedIn()).toBe(true);
		vi.stubGlobal('fetch', async () => new Response('{}', { status: 401 }));
		expect(await fetchVisitorGrant('token')).toBeUndefined();
		expect(visitorSignedIn()).toBe(false);
	});

	it('keeps the sign-in through a network failure, to ask again later', async () => {
		noteVisitorSignedIn();
		vi.stubGlobal('fetch', async () => {
			throw new TypeError('Failed to fetch');
		});
		expect(await fetchVisitorGrant('token')).toBeUndefined();
		expect(visitorSignedIn()).toBe(true);
	});
});
