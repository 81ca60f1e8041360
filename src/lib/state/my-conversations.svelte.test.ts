import { afterEach, describe, expect, it, vi } from 'vitest';
import { LIVE_EVENT_NAME } from '$lib/contracts/live';
import type { MyConversation, MyMatching } from '$lib/contracts/matching';
import { liveEvents } from '$lib/sync/live-events';
import { m } from '$lib/paraglide/messages.js';
import { apiError, fakeServer } from '$lib/testing/fake-server';
import { MyConversations } from './my-conversations.svelte';

afterEach(() => localStorage.clear());

function match(change: Partial<MyConversation> = {}): MyConversation {
	return {
		id: 'm1',
		status: 'proposed',
		partner: { firstName: 'Bo', autobiography: 'Grew up in Mobile.' },
		inCommon: ['fishing'],
		iAccepted: false,
		partnerAccepted: false,
		proposedStart: null,
		proposedByMe: false,
		scheduledStart: null,
		minutes: 40,
		roomUrl: '/room/m1',
		noShowFrom: null,
		...change
	};
}

function matching(...conversations: MyConversation[]): MyMatching {
	return { oriented: true, communityTimeZone: 'America/Chicago', shortlistMode: false, conversations };
}

describe("a participant's matches", () => {
	it("shows the server's view and keeps it for offline", async () => {
		fakeServer({ 'GET /api/conversations/mine': { body: matching(match()) } });
		const mine = new MyConversations();
		await mine.load();
		expect(mine.view?.conversations.map((c) => c.partner.firstName)).toEqual(['Bo']);
		expect(mine.problem).toBeUndefined();
		expect(JSON.parse(localStorage.getItem('cg-my-conversations')!)).toEqual(matching(match()));
	});

	it('offline, opens with the view kept on this device, and says the connection is down', async () => {
		fakeServer({ 'GET /api/conversations/mine': { body: matching(match({ iAccepted: true })) } });
		await new MyConversations().load();

		fakeServer({ 'GET /api/conversations/mine': 'offline' });
		const later = new MyConversations();
		await later.load();
		expect(later.view?.conversations[0]?.iAccepted).toBe(true);
		expect(later.problem).toBe(m.error_offline());
	});

	it('offline with nothing kept (or a view this version cannot read), shows no guessed view', async () => {
		fakeServer({ 'GET /api/conversations/mine': 'offline' });
		const mine = new MyConversations();
		await mine.load();
		expect(mine.view).toBeUndefined();
		localStorage.setItem('cg-my-conversations', JSON.stringify({ conversations: 'many' }));
		await mine.load();
		expect(mine.view).toBeUndefined();
		expect(mine.problem).toBe(m.error_offline());
	});

	it('a server error keeps the page on what it showed, with the reason', async () => {
		const server = fakeServer({ 'GET /api/conversations/mine': { body: matching(match()) } });
		const mine = new MyConversations();
		await mine.load();
		server.on('GET /api/conversations/mine', apiError(500, 'internal', 'Something broke.'));
		await mine.load();
		expect(mine.problem).toBe('Something broke.');
		expect(mine.view?.conversations).toHaveLength(1);
	});

	it('an action shows the whole new view the server answers with, and its notice', async () => {
		const server = fakeServer({
			'POST /api/conversations/m1/accept': { body: matching(match({ iAccepted: true })) }
		});
		const mine = new MyConversations();
		await mine.act('m1', 'accept', {}, 'Accepted.');
		expect(server.made('POST /api/conversations/m1/accept')[0]?.body).toEqual({});
		expect(mine.view?.conversations[0]?.iAccepted).toBe(true);
		expect(mine.notice).toBe('Accepted.');
		expect(mine.busy).toBe(false);
	});

	it('a refused action changes nothing shown but says why', async () => {
		const server = fakeServer({ 'GET /api/conversations/mine': { body: matching(match()) } });
		server.on('POST /api/conversations/m1/pick-time', apiError(409, 'wrong_state', 'Too late for that.'));
		const mine = new MyConversations();
		await mine.load();
		await mine.act('m1', 'pick-time', { start: '2030-01-01T15:00:00.000Z' }, 'Time proposed.');
		expect(server.made('POST /api/conversations/m1/pick-time')[0]?.body).toEqual({
			start: '2030-01-01T15:00:00.000Z'
		});
		expect(mine.problem).toBe('Too late for that.');
		expect(mine.notice).toBeUndefined();
		expect(mine.view?.conversations[0]?.proposedStart).toBeNull();
		expect(mine.busy).toBe(false);
	});

	it('loads the open times of each conversation apart', async () => {
		fakeServer({
			'GET /api/conversations/m1/slots': {
				body: { timeZone: 'America/Chicago', slots: ['2030-01-01T15:00:00.000Z'] }
			},
			'GET /api/conversations/m2/slots': { body: { timeZone: 'America/Chicago', slots: [] } }
		});
		const mine = new MyConversations();
		await mine.loadSlots(match());
		await mine.loadSlots(match({ id: 'm2' }));
		expect(mine.slots).toEqual({ m1: ['2030-01-01T15:00:00.000Z'], m2: [] });
	});

	it('finishes orientation with the ground rules agreed, and says whether it worked', async () => {
		const server = fakeServer({ 'POST /api/participation/orientation': { body: null } });
		const mine = new MyConversations();
		expect(await mine.completeOrientation('skipped')).toBe(true);
		expect(server.made('POST /api/participation/orientation')[0]?.body).toEqual({
			groundRules: true,
			techCheck: 'skipped'
		});
		server.on('POST /api/participation/orientation', apiError(400, 'validation_failed', 'No.'));
		expect(await mine.completeOrientation('passed')).toBe(false);
		expect(mine.problem).toBe('No.');
	});
});

describe('following the matches', () => {
	it('loads at once, and again when one of them changes or the stream asks to look again', async () => {
		const streams: EventTarget[] = [];
		vi.stubGlobal(
			'EventSource',
			class extends EventTarget {
				constructor() {
					super();
					streams.push(this);
				}
				close() {}
			}
		);
		const stopEvents = liveEvents.start();
		const server = fakeServer({ 'GET /api/conversations/mine': { body: matching(match()) } });
		const mine = new MyConversations();
		const stop = mine.follow();
		const loads = () => server.made('GET /api/conversations/mine').length;
		await expect.poll(loads).toBe(1);

		server.on('GET /api/conversations/mine', { body: matching(match({ partnerAccepted: true })) });
		const change = (data: unknown) =>
			streams[0]!.dispatchEvent(new MessageEvent(LIVE_EVENT_NAME, { data: JSON.stringify(data) }));
		change({ topic: 'conversation', conversationId: 'm1' });
		await expect.poll(() => mine.view?.conversations[0]?.partnerAccepted).toBe(true);
		expect(loads()).toBe(2);

		// Not about a match: not loaded again.
		change({ topic: 'progress' });
		streams[0]!.dispatchEvent(new Event('ready'));
		await expect.poll(loads).toBe(3);

		stop();
		change({ topic: 'conversation', conversationId: 'm1' });
		stopEvents();
		expect(loads()).toBe(3);
	});
});
