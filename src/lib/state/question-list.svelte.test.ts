import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { CLOSE, questionsDocName, type QuestionListSummary } from '$lib/contracts/questions';
import { openDb, type CommonGroundDb } from '$lib/db/db';
import { m } from '$lib/paraglide/messages.js';
import * as questionDoc from '$lib/sync/question-doc';
import { apiError, fakeServer } from '$lib/testing/fake-server';
import { fakeSockets } from '$lib/testing/fake-socket';
import { QuestionListState } from './question-list.svelte';

const summary: QuestionListSummary = {
	conversationId: 'c1',
	docName: questionsDocName('c1'),
	role: 'participant',
	me: { userId: 'u-ana', firstName: 'Ana' },
	participants: [
		{ userId: 'u-ana', firstName: 'Ana' },
		{ userId: 'u-bo', firstName: 'Bo' }
	],
	facilitator: { userId: 'u-fay', firstName: 'Fay' }
};
const route = 'GET /api/questions/c1';

let db: CommonGroundDb;
const open: QuestionListState[] = [];
beforeEach(() => {
	db = openDb(`question-list-${crypto.randomUUID()}`);
});
afterEach(() => {
	for (const list of open.splice(0)) list.close();
	vi.restoreAllMocks();
	db.close();
});

async function opened() {
	const list = new QuestionListState();
	open.push(list);
	await list.open({ conversationId: 'c1', db });
	return list;
}

describe('the question list page', () => {
	it('opens from the server, keeps the summary on this device, and connects to the shared document', async () => {
		fakeServer({ [route]: { body: summary } });
		const sockets = fakeSockets();
		const list = await opened();
		expect(list.opened.kind).toBe('open');
		expect(list.role).toBe('participant');
		expect(list.me).toBe('u-ana');
		expect(list.partner?.firstName).toBe('Bo');
		expect(list.nameOf('u-fay')).toBe('Fay');
		expect(list.nameOf('u-nobody')).toBe('?');
		expect((await db.questionLists.get('c1'))?.summary).toEqual(summary);
		expect(sockets.map((s) => new URL(s.url).pathname)).toEqual([
			`/yjs/${encodeURIComponent(summary.docName)}`
		]);
		expect(list.status).toEqual({ tone: 'warn', text: m.questions_status_connecting() });
		expect(list.presence).toEqual([
			{ clientId: list.awareness.clientID, name: 'Ana', role: 'participant', editing: null, me: true }
		]);
	});

	it('saves every change on this device first, and says so until it is stored', async () => {
		fakeServer({ [route]: { body: summary } });
		fakeSockets();
		const list = await opened();
		expect(list.addOwn('What did your parents argue about?')).toBeUndefined();
		expect(list.view.questions.map((q) => q.text)).toEqual(['What did your parents argue about?']);
		expect(list.savingOnDevice).toBe(1);
		expect(list.status).toEqual({ tone: 'info', text: m.questions_status_saving() });
		await expect.poll(() => list.savingOnDevice).toBe(0);
		expect(await db.yjsUpdates.where('doc').equals(summary.docName).count()).toBeGreaterThan(0);
		// Never sent: the socket never opened.
		expect(list.status).toEqual({ tone: 'warn', text: m.questions_status_saved_offline() });
	});

	it('opens offline from what this device kept, with the questions written before', async () => {
		fakeServer({ [route]: { body: summary } });
		fakeSockets();
		const first = await opened();
		first.addOwn('Where did you grow up?');
		first.approve(first.view.questions[0]!.id, true);
		await expect.poll(() => first.savingOnDevice).toBe(0);
		first.close();

		fakeServer({ [route]: 'offline' });
		vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
		const sockets = fakeSockets();
		const list = await opened();
		expect(list.opened).toEqual({ kind: 'open', summary });
		expect(list.view.questions.map((q) => [q.text, q.approvedBy])).toEqual([
			['Where did you grow up?', ['u-ana']]
		]);
		// The browser says it is offline: no connection is tried until it is back.
		expect(sockets).toEqual([]);
		window.dispatchEvent(new Event('online'));
		expect(sockets).toHaveLength(1);
	});

	it('opens from this device when the server fails, too', async () => {
		fakeServer({ [route]: { body: summary } });
		fakeSockets();
		(await opened()).close();
		fakeServer({ [route]: apiError(503, 'internal') });
		const list = await opened();
		expect(list.summary).toEqual(summary);
	});

	it('offline, cannot open a list this device never opened', async () => {
		fakeServer({ [route]: 'offline' });
		const list = await opened();
		expect(list.opened).toEqual({ kind: 'error', message: m.questions_offline_first_time() });
		expect(list.role).toBe('observer');
	});

	it('asks to sign in, or says the list is not theirs, as the server answers', async () => {
		const server = fakeServer({ [route]: apiError(401, 'unauthenticated') });
		expect((await opened()).opened).toEqual({ kind: 'error', message: m.questions_sign_in() });
		server.on(route, apiError(404, 'not_found'));
		expect((await opened()).opened).toEqual({ kind: 'error', message: m.questions_not_found() });
	});

	it('says why the sync server refused the document, and stops there', async () => {
		fakeServer({ [route]: { body: summary } });
		const sockets = fakeSockets();
		const list = await opened();
		sockets[0]!.refuse(CLOSE.forbidden);
		expect(list.status).toEqual({ tone: 'error', text: m.questions_refused_4403() });
		list.setEditing(null);
		window.dispatchEvent(new Event('online'));
		expect(sockets).toHaveLength(1);
	});

	it('answers an action it cannot do with what to tell the person', async () => {
		fakeServer({ [route]: { body: summary } });
		fakeSockets();
		const list = await opened();
		expect(list.addOwn('   ')).toBe(m.questions_error_empty());
		expect(list.addOwn('Why?')).toBeUndefined();
		expect(list.addOwn('why?')).toBe(m.questions_error_duplicate());
		expect(list.remove('no-such-question')).toBe(m.questions_error_missing());
		expect(list.can('edit')).toBe(true);
	});

	it('shows which question this person is editing to the others', async () => {
		fakeServer({ [route]: { body: summary } });
		fakeSockets();
		const list = await opened();
		list.addOwn('Why?');
		const id = list.view.questions[0]!.id;
		list.setEditing(id);
		expect(list.presence[0]?.editing).toBe(id);
	});

	it("counts the partner's approval and readiness as they arrive through the document", async () => {
		fakeServer({ [route]: { body: summary } });
		fakeSockets();
		const list = await opened();
		list.addOwn('Why?');
		const id = list.view.questions[0]!.id;
		list.approve(id, true);
		list.setReady(true);
		expect(list.view.agreed).toEqual([]);
		expect(list.view.readyToRecord).toBe(false);

		// Bo's device: the same document, his approval and readiness, synced back.
		const bo = new Y.Doc();
		Y.applyUpdate(bo, Y.encodeStateAsUpdate(list.doc));
		expect(questionDoc.setApproval(bo, id, 'u-bo', true)).toEqual({ ok: true, id });
		Y.applyUpdate(list.doc, Y.encodeStateAsUpdate(bo));
		expect(list.view.agreed.map((q) => q.id)).toEqual([id]);
		list.setReady(true);
		Y.applyUpdate(bo, Y.encodeStateAsUpdate(list.doc));
		questionDoc.setReady(bo, 'u-bo', ['u-ana', 'u-bo'], true);
		Y.applyUpdate(list.doc, Y.encodeStateAsUpdate(bo));
		expect([...list.view.readyBy].sort()).toEqual(['u-ana', 'u-bo']);
		expect(list.view.readyToRecord).toBe(true);
	});
});
