import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { queueConsent } from '$lib/db/after';
import { openDb, type CommonGroundDb } from '$lib/db/db';
import { m } from '$lib/paraglide/messages.js';
import { fakeServer, type Request } from '$lib/testing/fake-server';
import { Connectivity } from './connectivity.svelte';

let db: CommonGroundDb;
let stop: (() => void) | undefined;

beforeEach(() => {
	// A database of its own: test files share the browser's IndexedDB.
	db = openDb(`connectivity-${crypto.randomUUID()}`);
});
afterEach(async () => {
	stop?.();
	stop = undefined;
	vi.restoreAllMocks();
	db.close();
});

const accepted = ({ body }: Request) => {
	const mutation = body as { id: string; payload: { conversationId: string } };
	return {
		body: {
			id: mutation.id,
			status: 'applied' as const,
			result: {
				kind: 'consent',
				conversationId: mutation.payload.conversationId,
				recordedAt: new Date().toISOString()
			}
		}
	};
};

function queueAnswer() {
	return queueConsent(db, {
		payload: {
			conversationId: 'c1',
			kind: 'copy',
			answer: 'yes',
			textVersion: 'copy-v1',
			language: 'en',
			decidedAt: new Date().toISOString()
		}
	});
}

function setOnline(online: boolean) {
	vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(online);
	window.dispatchEvent(new Event(online ? 'online' : 'offline'));
}

describe('the header status indicator', () => {
	it('says all is saved once the outbox is empty', async () => {
		fakeServer();
		const connectivity = new Connectivity();
		stop = connectivity.start(db);
		expect(connectivity.online).toBe(true);
		await expect.poll(() => connectivity.lastReport).toEqual({ delivered: 0, rejected: 0, retrying: 0 });
		expect(connectivity.label).toBe(m.status_online_saved());
	});

	it('counts what waits while the server cannot be reached, and goes offline with the browser', async () => {
		const server = fakeServer({ 'POST /api/mutations': 'offline' });
		await queueAnswer();
		const connectivity = new Connectivity();
		stop = connectivity.start(db);
		await expect.poll(() => connectivity.lastReport?.retrying).toBe(1);
		expect(server.made('POST /api/mutations')).toHaveLength(1);
		expect(connectivity.waiting).toBe(1);
		expect(connectivity.label).toBe(m.status_online_waiting({ count: 1 }));

		setOnline(false);
		expect(connectivity.online).toBe(false);
		expect(connectivity.label).toBe(m.status_offline_waiting({ count: 1 }));
	});

	it('sends what waits when the browser comes back online, and then counts nothing', async () => {
		const server = fakeServer({ 'POST /api/mutations': 'offline' });
		await queueAnswer();
		const connectivity = new Connectivity();
		stop = connectivity.start(db);
		await expect.poll(() => connectivity.lastReport?.retrying).toBe(1);
		setOnline(false);
		expect(connectivity.label).toBe(m.status_offline_waiting({ count: 1 }));

		server.on('POST /api/mutations', accepted);
		setOnline(true);
		await expect.poll(() => connectivity.waiting).toBe(0);
		expect(connectivity.lastReport).toEqual({ delivered: 1, rejected: 0, retrying: 0 });
		expect(connectivity.label).toBe(m.status_online_saved());
		expect(await db.outbox.count()).toBe(0);
	});

	it('sends something new at once when asked, without waiting for the backoff', async () => {
		const server = fakeServer({ 'POST /api/mutations': accepted });
		const connectivity = new Connectivity();
		stop = connectivity.start(db);
		await expect.poll(() => connectivity.lastReport).toBeDefined();
		const id = await queueAnswer();
		connectivity.sync();
		await expect.poll(() => connectivity.lastReport?.delivered).toBe(1);
		expect(server.made('POST /api/mutations').map((r) => (r.body as { id: string }).id)).toEqual([id]);
		await expect.poll(() => connectivity.waiting).toBe(0);
	});

	it('stops listening once stopped: a later change of network or outbox is not followed', async () => {
		fakeServer({ 'POST /api/mutations': 'offline' });
		const connectivity = new Connectivity();
		stop = connectivity.start(db);
		await expect.poll(() => connectivity.lastReport).toBeDefined();
		stop();
		stop = undefined;
		setOnline(false);
		await queueAnswer();
		expect(connectivity.online).toBe(true);
		// One still listening hears of the new entry; by then the stopped one would have too.
		const listening = new Connectivity();
		stop = listening.start(db);
		await expect.poll(() => listening.waiting).toBe(1);
		expect(connectivity.waiting).toBe(0);
	});
});
