import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { addQuestion, readList } from '../../../src/lib/sync/question-doc.ts';
import type { RedisConnections } from '../redis/client.ts';
import { startTestRedis, type TestRedis } from '../test/redis.ts';
import { connectAs, eventually, startYjsTestServer } from '../test/yjs.ts';
import type { YjsLimits } from './limits.ts';

type Instance = Awaited<ReturnType<typeof startYjsTestServer>>;

/** Issue #17, "Yjs across instances": two instances over one store and one real redis-server. */
describe('/yjs across instances', () => {
	let redis: TestRedis;
	let instances: Instance[] = [];
	let clients: { provider: { destroy(): void } }[] = [];
	beforeAll(async () => {
		redis = await startTestRedis();
	});
	afterAll(() => redis.stop());
	afterEach(async () => {
		for (const c of clients) c.provider.destroy();
		clients = [];
		// The second instance first: the first one removes the shared folder.
		for (const instance of instances.reverse()) await instance.close();
		instances = [];
		await redis.flush();
	});

	/** Only the relay can bring another instance's edit, unless a test asks for the periodic look. */
	const NO_PERIODIC_CATCH_UP: Partial<YjsLimits> = { catchUpMs: 3_600_000 };

	/** Redis connections whose next `lose.updates` published Yjs updates never reach Redis. */
	const losing = (lose: { updates: number }) => (connections: RedisConnections) => ({
		...connections,
		command: new Proxy(connections.command, {
			get(target, key) {
				const value: unknown = Reflect.get(target, key);
				if (key !== 'publish' || typeof value !== 'function') {
					return typeof value === 'function' ? value.bind(target) : value;
				}
				return (channel: string, message: Buffer) => {
					// The relay's first byte is the kind: 0 for a stored update.
					if (message[0] === 0 && lose.updates > 0) {
						lose.updates -= 1;
						return Promise.resolve(0);
					}
					return target.publish(channel, message);
				};
			}
		})
	});

	async function twoInstances({
		limitsA = NO_PERIODIC_CATCH_UP,
		limitsB = NO_PERIODIC_CATCH_UP,
		loseA = { updates: 0 },
		loseB = { updates: 0 }
	} = {}) {
		const a = await startYjsTestServer({ redisUrl: redis.url, limits: limitsA, redis: losing(loseA) });
		instances.push(a);
		const b = await startYjsTestServer({
			redisUrl: redis.url,
			dataDir: a.dataDir,
			limits: limitsB,
			redis: losing(loseB)
		});
		instances.push(b);
		const c = await a.conversation();
		return { a, b, c };
	}

	function connect(...args: Parameters<typeof connectAs>) {
		const client = connectAs(...args);
		clients.push(client);
		return client;
	}

	const texts = (doc: Y.Doc) =>
		readList(doc)
			.questions.map((q) => q.text)
			.sort();

	/** What the store holds for the document, as a client loading it from scratch would see it. */
	async function stored(instance: Instance, docName: string) {
		const { snapshot, updates } = await instance.store.yjsDocs.load(docName);
		const doc = new Y.Doc();
		for (const u of [snapshot, ...updates.map((r) => r.update)]) if (u) Y.applyUpdate(doc, u);
		return { texts: texts(doc), rows: updates.length };
	}

	it('an edit on one instance reaches a partner on the other live, both ways, acknowledged once stored', async () => {
		const { a, b, c } = await twoInstances();
		const ana = connect(a, c.docName, c.ana.cookie);
		const ben = connect(b, c.docName, c.ben.cookie);
		await eventually(() => ana.provider.state.loadedFromServer && ben.provider.state.loadedFromServer);

		addQuestion(ana.doc, { text: 'Where did you grow up?', by: c.ana.userId });
		await eventually(() => texts(ben.doc).includes('Where did you grow up?'));
		addQuestion(ben.doc, { text: 'What do you hope for?', by: c.ben.userId });
		await eventually(() => texts(ana.doc).includes('What do you hope for?'));
		await eventually(() => ana.provider.state.synced && ben.provider.state.synced);
		expect((await stored(b, c.docName)).texts).toEqual(['What do you hope for?', 'Where did you grow up?']);
	});

	it('presence crosses instances, and goes when its person leaves', async () => {
		const { a, b, c } = await twoInstances();
		const anaDoc = new Y.Doc();
		const anaPresence = new Awareness(anaDoc);
		const benDoc = new Y.Doc();
		const benPresence = new Awareness(benDoc);
		try {
			anaPresence.setLocalState({ name: 'Ana' });
			const ana = connect(a, c.docName, c.ana.cookie, { doc: anaDoc, awareness: anaPresence });
			connect(b, c.docName, c.ben.cookie, { doc: benDoc, awareness: benPresence });
			const anaSeenByBen = () =>
				benPresence.getStates().get(anaPresence.clientID) as { name?: string } | undefined;
			await eventually(() => anaSeenByBen()?.name === 'Ana');

			anaPresence.setLocalState({ name: 'Ana', typing: true });
			await eventually(() => (anaSeenByBen() as { typing?: boolean } | undefined)?.typing === true);

			ana.provider.destroy();
			await eventually(() => anaSeenByBen() === undefined);
			expect([...benPresence.getStates().keys()]).toEqual([benPresence.clientID]);
		} finally {
			anaPresence.destroy();
			benPresence.destroy();
		}
	});

	it('a lost message is caught up from the store when the next one shows the gap', async () => {
		const loseA = { updates: 1 };
		const { a, b, c } = await twoInstances({ loseA });
		const ana = connect(a, c.docName, c.ana.cookie);
		const ben = connect(b, c.docName, c.ben.cookie);
		await eventually(() => ana.provider.state.loadedFromServer && ben.provider.state.loadedFromServer);

		addQuestion(ana.doc, { text: 'First, lost on the way', by: c.ana.userId });
		await eventually(() => ana.provider.state.synced && loseA.updates === 0);
		addQuestion(ana.doc, { text: 'Second, delivered', by: c.ana.userId });
		await eventually(() => texts(ben.doc).length === 2);
		expect(texts(ben.doc)).toEqual(['First, lost on the way', 'Second, delivered']);
	});

	it('a lost last message is caught up by the periodic look at the store', async () => {
		const loseA = { updates: 1 };
		const { a, b, c } = await twoInstances({ loseA, limitsB: { catchUpMs: 100 } });
		const ana = connect(a, c.docName, c.ana.cookie);
		const ben = connect(b, c.docName, c.ben.cookie);
		await eventually(() => ana.provider.state.loadedFromServer && ben.provider.state.loadedFromServer);

		addQuestion(ana.doc, { text: 'Nothing comes after me', by: c.ana.userId });
		await eventually(() => ana.provider.state.synced);
		expect(loseA.updates).toBe(0);
		await eventually(() => texts(ben.doc).includes('Nothing comes after me'));
	});

	it('when Redis comes back, an open document catches up on what was lost meanwhile', async () => {
		const loseA = { updates: 1 };
		const { a, b, c } = await twoInstances({ loseA });
		const ana = connect(a, c.docName, c.ana.cookie);
		const ben = connect(b, c.docName, c.ben.cookie);
		await eventually(() => ana.provider.state.loadedFromServer && ben.provider.state.loadedFromServer);

		addQuestion(ana.doc, { text: 'Sent while Redis was away', by: c.ana.userId });
		await eventually(() => ana.provider.state.synced && loseA.updates === 0);
		expect(texts(ben.doc)).toEqual([]);
		// Every instance's connections are cut, as when Redis restarts; ioredis reconnects by itself.
		const admin = new Redis(redis.url);
		try {
			await admin.client('KILL', 'TYPE', 'normal');
			await admin.client('KILL', 'TYPE', 'pubsub');
		} finally {
			admin.disconnect();
		}
		await eventually(() => texts(ben.doc).includes('Sent while Redis was away'));
	});

	it('compaction on one instance keeps a row it never applied', async () => {
		const loseB = { updates: 1 };
		const { a, b, c } = await twoInstances({ loseB });
		const ana = connect(a, c.docName, c.ana.cookie);
		const ben = connect(b, c.docName, c.ben.cookie);
		await eventually(() => ana.provider.state.loadedFromServer && ben.provider.state.loadedFromServer);

		addQuestion(ben.doc, { text: "Ben's, never relayed", by: c.ben.userId });
		await eventually(() => ben.provider.state.synced && loseB.updates === 0);
		addQuestion(ana.doc, { text: "Ana's, stored after Ben's", by: c.ana.userId });
		await eventually(() => ana.provider.state.synced);
		const roomA = (await a.yjs.registry.peek(c.docName))!;
		expect(texts(roomA.doc)).toEqual(["Ana's, stored after Ben's"]);

		// Through Ana's row, so through Ben's too, which instance A has never seen.
		await roomA.compact();
		const after = await stored(a, c.docName);
		expect(after.rows).toBe(0);
		expect(after.texts).toEqual(["Ana's, stored after Ben's", "Ben's, never relayed"]);

		// And A's partner gets it at A's next look at the store.
		await roomA.catchUp();
		await eventually(() => texts(ana.doc).includes("Ben's, never relayed"));
	});

	it('when an instance dies after acknowledging, the other serves the edit, and its clients go on there', async () => {
		const loseA = { updates: Infinity };
		const { a, b, c } = await twoInstances({ loseA, limitsB: { catchUpMs: 100 } });
		const ana = connect(a, c.docName, c.ana.cookie);
		const ben = connect(b, c.docName, c.ben.cookie);
		await eventually(() => ana.provider.state.loadedFromServer && ben.provider.state.loadedFromServer);

		// A stores and acknowledges, then dies before its message reaches Redis.
		addQuestion(ana.doc, { text: 'Acknowledged by A', by: c.ana.userId });
		await eventually(() => ana.provider.state.synced);
		await a.crash();
		await eventually(() => ana.provider.state.status !== 'connected');

		// Ben, on B all along, gets it; so does anyone who connects to B now.
		await eventually(() => texts(ben.doc).includes('Acknowledged by A'));
		const fay = connect(b, c.docName, c.fay.cookie);
		await eventually(() => fay.provider.state.loadedFromServer);
		expect(texts(fay.doc)).toEqual(['Acknowledged by A']);

		// Ana's device, cut off, edits on, then reaches B (as a load balancer would send it): what she
		// wrote meanwhile and after is stored and acknowledged there, and reaches Ben.
		ana.provider.destroy();
		addQuestion(ana.doc, { text: 'Written while cut off', by: c.ana.userId });
		const anaAgain = connect(b, c.docName, c.ana.cookie, { doc: ana.doc });
		await eventually(() => anaAgain.provider.state.loadedFromServer);
		addQuestion(ana.doc, { text: 'Written on B', by: c.ana.userId });
		expect(anaAgain.provider.state.synced).toBe(false);
		await eventually(() => anaAgain.provider.state.synced);
		const all = ['Acknowledged by A', 'Written on B', 'Written while cut off'];
		expect((await stored(b, c.docName)).texts).toEqual(all);
		await eventually(() => texts(ben.doc).length === 3);
		expect(texts(ben.doc)).toEqual(all);
	});
});
