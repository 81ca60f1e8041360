import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommonGroundDb } from '../db/db';
import { sendFile } from './track-upload';
import { FILE, SHA, FakeServer, sha, io, testDb, dropTestDb, stranded } from './track-upload.fixtures';

// The device never counts "offset = length" as done (issue #16): an upload whose every byte arrived
// but which the server never confirmed, as a server that died in its last PATCH leaves it.
let db: CommonGroundDb;
afterEach(dropTestDb);

describe('an upload whose every byte is on the server, never confirmed', () => {
	it('is not done: the device asks the server to finish it, and is done once it confirms the checksum', async () => {
		const server = new FakeServer();
		const record = await stranded((db = testDb()), server);
		expect(await sendFile(db, record.id, { io: io(server) })).toBe('confirmed');
		// tus-js-client saw offset = length and sent nothing; the finish request made it done.
		expect(server.log).toEqual(['HEAD /uploads/u1', 'POST /uploads/u1/finish']);
		expect(await db.uploads.get(record.id)).toMatchObject({
			stage: 'confirmed',
			uploadUrl: record.uploadUrl
		});
		expect((await db.uploads.get(record.id))?.blob).toBeUndefined();
	});

	it('is sent again from the first byte, as a new upload, when the server can’t finish it', async () => {
		const server = new FakeServer();
		server.finishes = 'refuse';
		const record = await stranded((db = testDb()), server);
		expect(await sendFile(db, record.id, { io: io(server) })).toBe('confirmed');
		expect(server.log.slice(0, 3)).toEqual(['HEAD /uploads/u1', 'POST /uploads/u1/finish', 'POST /uploads']);
		const patches = server.log.filter((l) => l.startsWith('PATCH'));
		expect(patches[0]).toBe('PATCH /uploads/u2 @0');
		// The new upload holds the whole file, byte for byte, and the device keeps its new address.
		expect(sha(server.uploads.get('u2')!.bytes)).toBe(SHA);
		// (Relative here: the endpoint is; the browser resolves it against the page.)
		expect(await db.uploads.get(record.id)).toMatchObject({ stage: 'confirmed', uploadUrl: '/uploads/u2' });
	});

	it('stays unconfirmed, with its file and its upload, when the server fails to finish it', async () => {
		const server = new FakeServer();
		server.finishes = 'fail';
		const record = await stranded((db = testDb()), server);
		expect(await sendFile(db, record.id, { io: io(server) })).toBe('not_confirmed');
		expect(server.log).toEqual(['HEAD /uploads/u1', 'POST /uploads/u1/finish']);
		const kept = await db.uploads.get(record.id);
		expect(kept).toMatchObject({ stage: 'failed', error: 'not_confirmed', uploadUrl: record.uploadUrl });
		expect(kept?.blob?.size).toBe(FILE.byteLength);
		// Once the server can, the next round finishes it without sending the file again.
		server.finishes = 'confirm';
		expect(await sendFile(db, kept!.id, { io: io(server) })).toBe('confirmed');
		expect(server.log.filter((l) => l.startsWith('PATCH') || l === 'POST /uploads')).toEqual([]);
	});

	it('is done at once when the server’s answer already carries its checksum', async () => {
		const server = new FakeServer();
		const record = await stranded((db = testDb()), server);
		server.uploads.get('u1')!.confirmed = true;
		expect(await sendFile(db, record.id, { io: io(server) })).toBe('confirmed');
		expect(server.log).toEqual(['HEAD /uploads/u1']);
	});
});
