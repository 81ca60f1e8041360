import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addQuestion, editWording, readList } from '../../../src/lib/sync/question-doc.ts';
import { openTestStore } from '../test/store.ts';
import { connectAs, eventually, startYjsTestServer } from '../test/yjs.ts';

/** Issue #4, "Persistence" and "Reconnects": the log, compaction, unloading, restarts. */
describe('/yjs persistence', () => {
	let server: Awaited<ReturnType<typeof startYjsTestServer>> | undefined;
	afterEach(async () => {
		await server?.close();
		server = undefined;
	});

	const texts = (doc: Y.Doc) =>
		readList(doc)
			.questions.map((q) => q.text)
			.sort();

	it('an acknowledged edit is in the database before "synced", without any shutdown', async () => {
		server = await startYjsTestServer();
		const c = await server.conversation();
		const ana = connectAs(server, c.docName, c.ana.cookie);
		await eventually(() => ana.provider.state.loadedFromServer);
		addQuestion(ana.doc, { text: 'What did your grandparents do?', by: c.ana.userId });
		expect(ana.provider.state.synced).toBe(false);
		await eventually(() => ana.provider.state.synced);

		// A second connection to the database sees it, as a restarted process would after a crash.
		const other = await openTestStore({ dataDir: server.dataDir });
		const loaded = await other.yjsDocs.load(c.docName);
		const doc = new Y.Doc();
		for (const u of [loaded.snapshot, ...loaded.updates.map((r) => r.update)]) if (u) Y.applyUpdate(doc, u);
		expect(texts(doc)).toEqual(['What did your grandparents do?']);
		await other.close();
		ana.provider.destroy();
	});

	it('a restart loses nothing, and clients reconnect by themselves with edits made meanwhile', async () => {
		server = await startYjsTestServer();
		const c = await server.conversation();
		const ana = connectAs(server, c.docName, c.ana.cookie);
		const ben = connectAs(server, c.docName, c.ben.cookie);
		const added = addQuestion(ana.doc, { text: 'Where did you grow up?', by: c.ana.userId });
		await eventually(() => ana.provider.state.synced && texts(ben.doc).length === 1);

		const restarting = server.restart();
		await eventually(() => ben.provider.state.status !== 'connected');
		if (added.ok) editWording(ben.doc, added.id, 'Where did you grow up, and what was it like?');
		await restarting;

		await eventually(() => ben.provider.state.synced && ana.provider.state.status === 'connected', {
			timeoutMs: 15_000
		});
		await eventually(() => texts(ana.doc)[0] === 'Where did you grow up, and what was it like?', {
			timeoutMs: 15_000
		});
		ana.provider.destroy();
		ben.provider.destroy();

		const fresh = connectAs(server, c.docName, c.ben.cookie);
		await eventually(() => fresh.provider.state.loadedFromServer);
		expect(texts(fresh.doc)).toEqual(['Where did you grow up, and what was it like?']);
		fresh.provider.destroy();
	});

	it('compacts after N updates and when the last client leaves, then unloads the idle document', async () => {
		server = await startYjsTestServer({ limits: { compactEvery: 10, idleUnloadMs: 20 } });
		const c = await server.conversation();
		const ana = connectAs(server, c.docName, c.ana.cookie);
		await eventually(() => ana.provider.state.loadedFromServer);
		// One message, so one log row, per question.
		for (let i = 0; i < 25; i++) addQuestion(ana.doc, { text: `Question number ${i}`, by: c.ana.userId });
		await eventually(() => ana.provider.state.synced);
		const rows = () => server!.store.yjsDocs.load(c.docName);
		await eventually(async () => (await rows()).snapshot !== null);
		expect((await rows()).updates.length).toBeLessThan(25);

		ana.provider.destroy();
		await eventually(async () => (await rows()).updates.length === 0);
		await eventually(() => server!.yjs.registry.loadedCount === 0);

		const back = connectAs(server, c.docName, c.ben.cookie);
		await eventually(() => back.provider.state.loadedFromServer);
		expect(texts(back.doc)).toHaveLength(25);
		back.provider.destroy();
	});
});
