import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CLOSE, questionsDocName } from '../../../src/lib/contracts/questions.ts';
import { addQuestion, readList } from '../../../src/lib/sync/question-doc.ts';
import { connectAs, eventually, startYjsTestServer } from '../test/yjs.ts';

/** Issue #4, "Access": role × action over a real socket. */
describe('/yjs access', () => {
	let server: Awaited<ReturnType<typeof startYjsTestServer>>;
	let c: Awaited<ReturnType<typeof server.conversation>>;
	beforeAll(async () => {
		server = await startYjsTestServer();
		c = await server.conversation();
		const seed = connectAs(server, c.docName, c.ana.cookie);
		addQuestion(seed.doc, { text: 'Why here?', by: c.ana.userId });
		await eventually(() => seed.provider.state.synced && seed.provider.state.loadedFromServer);
		seed.provider.destroy();
	});
	afterAll(() => server.close());

	const refusals = [
		['nobody signed in', () => undefined, () => c.docName, CLOSE.unauthorized],
		[
			'a participant of another conversation',
			async () => (await server.conversation()).ana.cookie,
			() => c.docName,
			CLOSE.forbidden
		],
		[
			'another facilitator',
			async () => (await server.person('facilitator')).cookie,
			() => c.docName,
			CLOSE.forbidden
		],
		[
			'partner-organization staff',
			async () => (await server.person('partner_staff')).cookie,
			() => c.docName,
			CLOSE.forbidden
		],
		[
			'a partner, for a conversation that does not exist',
			async () => c.ana.cookie,
			() => questionsDocName(crypto.randomUUID()),
			CLOSE.notFound
		],
		[
			'a partner, for a document that is not a question list',
			async () => c.ana.cookie,
			() => 'anything-else',
			CLOSE.notFound
		]
	] as const;

	it.each(refusals)('%s is refused for good (%#)', async (_who, cookie, docName, code) => {
		const client = connectAs(server, docName(), await cookie());
		await eventually(() => client.provider.state.status === 'refused');
		expect(client.provider.state.closeCode).toBe(code);
		expect(client.provider.retrying).toBe(false);
		expect(readList(client.doc).questions).toEqual([]);
		client.provider.destroy();
	});

	it('a page from another site is refused, even with a partner’s cookie', async () => {
		const client = connectAs(server, c.docName, c.ana.cookie, { origin: 'https://evil.example' });
		await eventually(() => client.provider.state.status === 'refused');
		expect(client.provider.state.closeCode).toBe(CLOSE.forbidden);
		client.provider.destroy();
	});

	it.each([
		['the first participant', () => c.ana],
		['the second participant', () => c.ben],
		['the facilitator', () => c.fay]
	])('%s reads and edits', async (_who, who) => {
		const client = connectAs(server, c.docName, who().cookie);
		await eventually(() => client.provider.state.loadedFromServer);
		expect(readList(client.doc).questions.map((q) => q.text)).toContain('Why here?');
		const text = `Edit by ${_who}`;
		addQuestion(client.doc, { text, by: who().userId });
		await eventually(() => client.provider.state.synced);
		client.provider.destroy();

		const check = connectAs(server, c.docName, c.ana.cookie);
		await eventually(() => readList(check.doc).questions.some((q) => q.text === text));
		check.provider.destroy();
	});

	it('a coordinator reads, but cannot change the list', async () => {
		const coordinator = await server.person('coordinator');
		const client = connectAs(server, c.docName, coordinator.cookie);
		await eventually(() => client.provider.state.loadedFromServer);
		expect(readList(client.doc).questions.map((q) => q.text)).toContain('Why here?');
		addQuestion(client.doc, { text: 'Sneaky coordinator question', by: coordinator.userId });
		await eventually(() => client.provider.state.synced);
		client.provider.destroy();

		const fresh = connectAs(server, c.docName, c.ben.cookie, { doc: new Y.Doc() });
		await eventually(() => fresh.provider.state.loadedFromServer);
		expect(readList(fresh.doc).questions.map((q) => q.text)).not.toContain('Sneaky coordinator question');
		fresh.provider.destroy();
	});
});
