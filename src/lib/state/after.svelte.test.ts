import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AfterView, SharingView } from '$lib/contracts/consent';
import type { ConsentAnswer } from '$lib/core/consent';
import { db } from '$lib/db/db';
import { markDelivered } from '$lib/db/outbox';
import { apiError, fakeServer } from '$lib/testing/fake-server';
import { AfterConversation } from './after.svelte';

// The upload runner is not this class's business (and is being rewritten): an answer only nudges it.
vi.mock('./uploads.svelte', () => ({ uploads: { kick: vi.fn() } }));

const open: AfterConversation[] = [];
afterEach(() => {
	for (const after of open.splice(0)) after.dispose();
});

/** A conversation of its own per test: the app's database is shared by the test files. */
function conversation(): { id: string; path: string } {
	const id = `c-${crypto.randomUUID()}`;
	return { id, path: `/api/conversations/${id}/after` };
}

function afterOf(id: string) {
	const after = new AfterConversation(id);
	open.push(after);
	return after;
}

function sharing(mine: ConsentAnswer | null, partner: ConsentAnswer | null = 'yes'): SharingView {
	const state =
		mine === 'yes' && partner === 'yes'
			? 'allowed'
			: mine === 'withdrawn'
				? 'withdrawn'
				: mine === 'no'
					? 'declined'
					: 'waiting';
	return { mine, partner, state };
}

function view(id: string, copy: SharingView, archive: SharingView = sharing(null)): AfterView {
	return {
		conversationId: id,
		partnerFirstName: 'Bo',
		copy,
		archive,
		myTracks: [],
		copyStatus: copy.state === 'allowed' ? 'ready' : 'none',
		copyUrl: copy.state === 'allowed' ? `/api/conversations/${id}/copy` : null,
		reflected: false
	};
}

describe('one conversation after hanging up', () => {
	it('shows what the server confirmed', async () => {
		const c = conversation();
		fakeServer({ [`GET ${c.path}`]: { body: view(c.id, sharing('yes'), sharing('no')) } });
		const after = afterOf(c.id);
		await after.refresh();
		expect(after.view?.partnerFirstName).toBe('Bo');
		expect(after.problem).toBeUndefined();
		expect(after.mine('copy')).toBe('yes');
		expect(after.mine('archive')).toBe('no');
		expect(after.canWithdraw).toBe(true);
	});

	it('an answer on its way wins over the server view until it is sent; then the server is asked again', async () => {
		const c = conversation();
		const server = fakeServer({ [`GET ${c.path}`]: { body: view(c.id, sharing('no')) } });
		const after = afterOf(c.id);
		await after.refresh();
		expect(after.mine('copy')).toBe('no');
		expect(after.canWithdraw).toBe(false);

		await after.answer('copy', 'yes');
		await expect.poll(() => after.local.length).toBe(1);
		expect(after.mine('copy')).toBe('yes');
		expect(after.waitingToSend).toBe(true);
		expect(after.canWithdraw).toBe(true);
		const [row] = await db().consents.where('conversationId').equals(c.id).toArray();
		expect(row?.payload).toMatchObject({ conversationId: c.id, kind: 'copy', answer: 'yes' });
		expect(await db().outbox.get(row!.id)).toMatchObject({ status: 'pending' });

		// The outbox delivers it; the server now knows the answer too.
		server.on(`GET ${c.path}`, { body: view(c.id, sharing('yes')) });
		await markDelivered(db(), {
			id: row!.id,
			result: { kind: 'consent', conversationId: c.id, recordedAt: new Date().toISOString() }
		});
		await expect.poll(() => server.made(`GET ${c.path}`).length).toBe(2);
		await expect.poll(() => after.view?.copy.state).toBe('allowed');
		expect(after.waitingToSend).toBe(false);
		expect(after.mine('copy')).toBe('yes');
	});

	it('a sent answer the server has not shown yet still counts, rather than nothing', async () => {
		const c = conversation();
		fakeServer({ [`GET ${c.path}`]: 'offline' });
		const after = afterOf(c.id);
		await after.answer('archive', 'yes');
		await expect.poll(() => after.local.length).toBe(1);
		await db().consents.update(after.local[0]!.id, { status: 'sent' });
		await expect.poll(() => after.local[0]?.status).toBe('sent');
		expect(after.view).toBeUndefined();
		expect(after.mine('archive')).toBe('yes');
	});

	it('answering what is already the answer queues nothing', async () => {
		const c = conversation();
		fakeServer({ [`GET ${c.path}`]: { body: view(c.id, sharing('no')) } });
		const after = afterOf(c.id);
		await after.refresh();
		await after.answer('copy', 'no');
		expect(await db().consents.where('conversationId').equals(c.id).count()).toBe(0);
	});

	it('withdraws every yes at once, and leaves a kind never agreed to as it is', async () => {
		const c = conversation();
		fakeServer({ [`GET ${c.path}`]: { body: view(c.id, sharing('yes'), sharing('no')) } });
		const after = afterOf(c.id);
		await after.refresh();
		expect(after.canWithdraw).toBe(true);

		await after.withdraw();
		const rows = await db().consents.where('conversationId').equals(c.id).toArray();
		expect(rows.map((r) => [r.payload.kind, r.payload.answer])).toEqual([['copy', 'withdrawn']]);
		await expect.poll(() => after.mine('copy')).toBe('withdrawn');
		expect(after.mine('archive')).toBe('no');
		expect(after.canWithdraw).toBe(false);
	});

	it('a no after a yes is a withdrawal, a yes after a withdrawal is a yes again', async () => {
		const c = conversation();
		fakeServer({ [`GET ${c.path}`]: { body: view(c.id, sharing(null), sharing('yes')) } });
		const after = afterOf(c.id);
		await after.refresh();
		await after.answer('archive', 'no');
		await expect.poll(() => after.mine('archive')).toBe('withdrawn');
		await after.answer('archive', 'yes');
		await expect.poll(() => after.mine('archive')).toBe('yes');
		const rows = await db().consents.where('conversationId').equals(c.id).sortBy('createdAt');
		expect(rows.map((r) => r.payload.answer)).toEqual(['withdrawn', 'yes']);
	});

	it("a rejected answer is not this person's answer: the server's is", async () => {
		const c = conversation();
		fakeServer({ [`GET ${c.path}`]: { body: view(c.id, sharing('no')) } });
		const after = afterOf(c.id);
		await after.refresh();
		await after.answer('copy', 'yes');
		await expect.poll(() => after.mine('copy')).toBe('yes');
		await db().consents.update(after.local[0]!.id, { status: 'rejected' });
		await expect.poll(() => after.mine('copy')).toBe('no');
	});
});

describe('when the server cannot answer', () => {
	it('offline with nothing shown yet, says so', async () => {
		const c = conversation();
		fakeServer({ [`GET ${c.path}`]: 'offline' });
		const after = afterOf(c.id);
		await after.refresh();
		expect(after.problem).toMatchObject({ offline: true, signIn: false });
	});

	it('offline after a view, keeps showing that view without a problem', async () => {
		const c = conversation();
		const server = fakeServer({ [`GET ${c.path}`]: { body: view(c.id, sharing('yes')) } });
		const after = afterOf(c.id);
		await after.refresh();
		server.on(`GET ${c.path}`, 'offline');
		await after.refresh();
		expect(after.problem).toBeUndefined();
		expect(after.view?.copy.mine).toBe('yes');
	});

	it('asks to sign in when the session is gone, and shows a refusal as one', async () => {
		const c = conversation();
		const server = fakeServer({ [`GET ${c.path}`]: apiError(401, 'unauthenticated', 'Please sign in.') });
		const after = afterOf(c.id);
		await after.refresh();
		expect(after.problem).toEqual({ message: 'Please sign in.', signIn: true, offline: false });
		server.on(`GET ${c.path}`, apiError(403, 'forbidden', 'Not your conversation.'));
		await after.refresh();
		expect(after.problem).toEqual({ message: 'Not your conversation.', signIn: false, offline: false });
	});
});

describe('the copy kept for offline listening', () => {
	it('is saved from the copy URL, and goes as soon as either person withdraws', async () => {
		const c = conversation();
		const server = fakeServer({ [`GET ${c.path}`]: { body: view(c.id, sharing('yes')) } });
		server.on(`GET /api/conversations/${c.id}/copy`, { body: 'audio' });
		const after = afterOf(c.id);
		await after.refresh();
		expect(await after.keepOffline()).toBe(true);
		await expect.poll(() => after.kept?.conversationId).toBe(c.id);
		expect(await after.kept!.blob.text()).toBe('"audio"');

		server.on(`GET ${c.path}`, { body: view(c.id, sharing('yes', 'withdrawn')) });
		await after.refresh();
		expect(await db().keptCopies.get(c.id)).toBeUndefined();
		await expect.poll(() => after.kept).toBeUndefined();
	});

	it('is not kept when there is no copy to keep, or it cannot be fetched', async () => {
		const c = conversation();
		const server = fakeServer({ [`GET ${c.path}`]: { body: view(c.id, sharing('no')) } });
		const after = afterOf(c.id);
		expect(await after.keepOffline()).toBe(false);
		await after.refresh();
		expect(await after.keepOffline()).toBe(false);

		server.on(`GET ${c.path}`, { body: view(c.id, sharing('yes')) });
		server.on(`GET /api/conversations/${c.id}/copy`, 'offline');
		await after.refresh();
		expect(await after.keepOffline()).toBe(false);
		expect(await db().keptCopies.get(c.id)).toBeUndefined();
	});
});
