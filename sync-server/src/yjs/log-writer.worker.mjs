// The update log's writer thread (issue #4). Plain JavaScript so it runs however the server was
// started (tsx, register(), or a build). It owns a second SQLite connection to the same WAL
// database, so the fsync of each commit blocks this thread and never the event loop that relays
// edits between partners. Messages: {id, op: 'append', rows} → {id, ids}; {id, op: 'compact', ...}.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import * as Y from 'yjs';

const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${workerData.synchronous}`);
db.pragma('busy_timeout = 10000');

const insert = db.prepare('insert into yjs_updates (doc_name, update_data, created_at) values (?, ?, ?)');
const append = db.transaction((rows, now) =>
	rows.map((row) => Number(insert.run(row.docName, Buffer.from(row.update), now).lastInsertRowid))
);
const upsertSnapshot = db.prepare(
	`insert into yjs_snapshots (doc_name, state, through_id, updated_at) values (?, ?, ?, ?)
	 on conflict (doc_name) do update set state = excluded.state, through_id = excluded.through_id,
	 updated_at = excluded.updated_at`
);
const selectSnapshot = db.prepare('select state, through_id from yjs_snapshots where doc_name = ?');
const deleteThrough = db.prepare(
	'delete from yjs_updates where doc_name = ? and id <= ? returning update_data'
);
// The rows are merged into the snapshot as they are deleted, with the snapshot before and the
// room's state, so a row another instance wrote and this one never applied is kept (issue #17).
const compact = db.transaction((docName, state, throughId, now) => {
	const previous = selectSnapshot.get(docName);
	const rows = deleteThrough.all(docName, throughId);
	const doc = new Y.Doc();
	if (previous) Y.applyUpdate(doc, previous.state);
	for (const row of rows) Y.applyUpdate(doc, row.update_data);
	Y.applyUpdate(doc, state);
	const merged = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	upsertSnapshot.run(docName, Buffer.from(merged), Math.max(previous?.through_id ?? 0, throughId), now);
});

parentPort.on('message', (message) => {
	try {
		const now = new Date().toISOString();
		if (message.op === 'append') {
			parentPort.postMessage({ id: message.id, ids: append(message.rows, now) });
		} else if (message.op === 'compact') {
			// IMMEDIATE: the write lock is taken before the snapshot is read, so compactions take turns.
			compact.immediate(message.docName, message.state, message.throughId, now);
			parentPort.postMessage({ id: message.id });
		} else if (message.op === 'close') {
			db.close();
			parentPort.postMessage({ id: message.id });
			parentPort.close();
		}
	} catch (error) {
		parentPort.postMessage({ id: message.id, error: String(error?.message ?? error) });
	}
});
