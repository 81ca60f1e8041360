import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { CLOSE } from '../../../src/lib/contracts/questions.ts';
import { addQuestion, readList } from '../../../src/lib/sync/question-doc.ts';
import { connectAs, eventually, startYjsTestServer } from '../test/yjs.ts';

const texts = (doc: Y.Doc) =>
	readList(doc)
		.questions.map((q) => q.text)
		.sort();

describe('/yjs compatibility', () => {
	let server: Awaited<ReturnType<typeof startYjsTestServer>> | undefined;
	afterEach(async () => {
		await server?.close();
		server = undefined;
	});

	it('the stock y-websocket WebsocketProvider, in Node with ws, syncs both ways', async () => {
		server = await startYjsTestServer();
		const c = await server.conversation();
		const ours = connectAs(server, c.docName, c.ana.cookie);
		addQuestion(ours.doc, { text: 'From our provider', by: c.ana.userId });
		await eventually(() => ours.provider.state.synced);

		const cookie = c.ben.cookie;
		class SignedInSocket extends WebSocket {
			constructor(url: string | URL, protocols?: string | string[]) {
				super(url, protocols, { headers: { cookie } });
			}
		}
		const stockDoc = new Y.Doc();
		const stock = new WebsocketProvider(server.url, c.docName, stockDoc, {
			WebSocketPolyfill: SignedInSocket as unknown as typeof globalThis.WebSocket,
			disableBc: true
		});
		await eventually(() => stock.synced);
		expect(texts(stockDoc)).toEqual(['From our provider']);

		addQuestion(stockDoc, { text: 'From the stock provider', by: c.ben.userId });
		await eventually(() => texts(ours.doc).includes('From the stock provider'));
		// Presence passes through too.
		stock.awareness.setLocalStateField('user', { name: 'Ben' });
		stock.destroy();
		ours.provider.destroy();
	});
});

describe('/yjs limits', () => {
	let server: Awaited<ReturnType<typeof startYjsTestServer>> | undefined;
	afterEach(async () => {
		await server?.close();
		server = undefined;
	});

	it('closes a connection that sends too large a message, and the client does not retry', async () => {
		server = await startYjsTestServer({ limits: { maxMessageBytes: 2_000 } });
		const c = await server.conversation();
		const ana = connectAs(server, c.docName, c.ana.cookie);
		await eventually(() => ana.provider.state.loadedFromServer);
		ana.doc.getText('scratch').insert(0, 'x'.repeat(5_000));
		await eventually(() => ana.provider.state.status === 'refused');
		expect(ana.provider.state.closeCode).toBe(CLOSE.tooLarge);
		expect(ana.provider.retrying).toBe(false);
		ana.provider.destroy();
	});

	it('refuses an update that would make the document too large, and keeps what it had', async () => {
		server = await startYjsTestServer({ limits: { maxDocBytes: 3_000 } });
		const c = await server.conversation();
		const ana = connectAs(server, c.docName, c.ana.cookie);
		addQuestion(ana.doc, { text: 'A small question', by: c.ana.userId });
		await eventually(() => ana.provider.state.synced);
		for (let i = 0; i < 4; i++) ana.doc.getText('scratch').insert(0, 'y'.repeat(1_000));
		await eventually(() => ana.provider.state.status === 'refused');
		expect(ana.provider.state.closeCode).toBe(CLOSE.tooLarge);

		const ben = connectAs(server, c.docName, c.ben.cookie);
		await eventually(() => ben.provider.state.loadedFromServer);
		expect(texts(ben.doc)).toEqual(['A small question']);
		expect(ben.doc.getText('scratch').length).toBeLessThan(3_000);
		ana.provider.destroy();
		ben.provider.destroy();
	});

	it('closes a connection over its rate limit with 4429, and the client comes back later', async () => {
		server = await startYjsTestServer({ limits: { messagesPerSecond: 1, messageBurst: 5 } });
		const c = await server.conversation();
		const ana = connectAs(server, c.docName, c.ana.cookie);
		await eventually(() => ana.provider.state.loadedFromServer);
		for (let i = 0; i < 10; i++) ana.doc.getMap('scratch').set(`k${i}`, i);
		await eventually(() => ana.provider.state.status === 'disconnected');
		expect(ana.provider.state.status).not.toBe('refused');
		expect(ana.provider.retrying).toBe(true);
		ana.provider.destroy();
	});

	it('backpressure: a reader that stops reading is caught up once it drains, not buffered without end', async () => {
		server = await startYjsTestServer({
			limits: { highWaterBytes: 64 * 1024, maxDocBytes: 16 * 1024 * 1024 }
		});
		const c = await server.conversation();
		const ana = connectAs(server, c.docName, c.ana.cookie);
		const ben = new WebSocket(`${server.url}/${c.docName}`, { headers: { cookie: c.ben.cookie } });
		const benDoc = new Y.Doc();
		await new Promise((resolve) => ben.once('open', resolve));
		await eventually(() => ana.provider.state.loadedFromServer);
		// Ben's TCP socket stops reading: the server's buffer for him fills up.
		const raw = (ben as unknown as { _socket: import('node:net').Socket })._socket;
		raw.pause();
		for (let i = 0; i < 80; i++) ana.doc.getText(`big${i}`).insert(0, 'z'.repeat(100_000));
		await eventually(() => ana.provider.state.synced, { timeoutMs: 15_000 });
		// Without backpressure the server would hold most of 8 MB for Ben; with it, about the mark.
		expect(server.yjs.server.maxBufferedBytes).toBeLessThan(64 * 1024 + 2 * 100_000);

		const { applyMessage } = await import('../test/apply-message.ts');
		ben.on('message', (data: Buffer) => applyMessage(benDoc, data, (reply) => ben.send(reply)));
		raw.resume();
		await eventually(() => benDoc.getText('big79').length === 100_000, { timeoutMs: 15_000 });
		ben.close();
		ana.provider.destroy();
	}, 30_000);
});
