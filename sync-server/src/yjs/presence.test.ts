import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { eventually, startYjsTestServer } from '../test/yjs.ts';
import { ownPresenceOnly } from './presence.ts';

const AWARENESS = 1;
const QUERY_AWARENESS = 3;

/** One awareness entry, as y-protocols encodes it. */
function presence(entries: { id: number; clock: number; state: unknown }[]): Uint8Array {
	return encoding.encode((e) => {
		encoding.writeVarUint(e, entries.length);
		for (const { id, clock, state } of entries) {
			encoding.writeVarUint(e, id);
			encoding.writeVarUint(e, clock);
			encoding.writeVarString(e, JSON.stringify(state));
		}
	});
}

describe('ownPresenceOnly', () => {
	it('keeps the entries allowed, in order, and nothing when none is', () => {
		const update = presence([
			{ id: 1, clock: 1, state: { name: 'Ana' } },
			{ id: 2, clock: 4, state: null }
		]);
		const kept = ownPresenceOnly(update, (id) => id === 2)!;
		const doc = new Y.Doc();
		const awareness = new awarenessProtocol.Awareness(doc);
		awarenessProtocol.applyAwarenessUpdate(
			awareness,
			presence([{ id: 2, clock: 1, state: { name: 'Ben' } }]),
			null
		);
		awarenessProtocol.applyAwarenessUpdate(awareness, kept, null);
		expect(awareness.getStates().has(2)).toBe(false);
		expect(awareness.getStates().has(1)).toBe(false);
		expect(ownPresenceOnly(update, () => false)).toBeUndefined();
	});
});

/** Issue #13: a read-only connection relayed presence in a participant's name and removed theirs. */
describe('/yjs presence', () => {
	let server: Awaited<ReturnType<typeof startYjsTestServer>>;
	let c: Awaited<ReturnType<typeof server.conversation>>;
	beforeAll(async () => {
		server = await startYjsTestServer();
		c = await server.conversation();
	});
	afterAll(() => server.close());

	/** A raw y-websocket client: sends awareness updates, and keeps what the server tells it. */
	async function client(cookie: string) {
		const seen = new awarenessProtocol.Awareness(new Y.Doc());
		const ws = new WebSocket(`${server.url}/${c.docName}`, { headers: { cookie } });
		let answered = 0;
		ws.on('message', (data: Buffer) => {
			const decoder = decoding.createDecoder(new Uint8Array(data));
			if (decoding.readVarUint(decoder) !== AWARENESS) return;
			awarenessProtocol.applyAwarenessUpdate(seen, decoding.readVarUint8Array(decoder), 'server');
			answered += 1;
		});
		await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
		const frame = (type: number, body?: Uint8Array) =>
			encoding.encode((e) => {
				encoding.writeVarUint(e, type);
				if (body) encoding.writeVarUint8Array(e, body);
			});
		return {
			seen,
			send: (update: Uint8Array) => ws.send(frame(AWARENESS, update)),
			/** Asks for everyone's presence and waits for the answer: all sent before it was handled. */
			async settle() {
				const before = answered;
				ws.send(frame(QUERY_AWARENESS));
				await eventually(() => answered > before);
			},
			close: () => ws.close()
		};
	}

	it('nobody can appear in someone else’s name or remove their presence; a coordinator sends none', async () => {
		const ana = await client(c.ana.cookie);
		const ben = await client(c.ben.cookie);
		const coordinator = await client((await server.person('coordinator')).cookie);
		ana.send(presence([{ id: 1001, clock: 1, state: { user: { name: 'Ana' } } }]));
		await eventually(() => ben.seen.getStates().get(1001)?.user?.name === 'Ana');

		// The read-only coordinator: a presence of its own, then Ana's removed.
		coordinator.send(presence([{ id: 2002, clock: 1, state: { user: { name: 'Ana' } } }]));
		coordinator.send(presence([{ id: 1001, clock: 2, state: null }]));
		await coordinator.settle();
		// Ben, a participant: Ana's presence taken over, then removed.
		ben.send(presence([{ id: 1001, clock: 3, state: { user: { name: 'Not Ana' } } }]));
		ben.send(presence([{ id: 1001, clock: 4, state: null }]));
		await ben.settle();
		await ana.settle();

		for (const who of [ana, ben, coordinator]) {
			expect(who.seen.getStates().get(1001)).toEqual({ user: { name: 'Ana' } });
			expect(who.seen.getStates().has(2002)).toBe(false);
		}
		// Ana still changes and clears her own.
		ana.send(presence([{ id: 1001, clock: 5, state: null }]));
		await eventually(() => !ben.seen.getStates().has(1001));
		for (const who of [ana, ben, coordinator]) who.close();
	});
});
