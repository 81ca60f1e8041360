import { sql, type Kysely } from 'kysely';
import type { Engine } from '../migrations/dialect.ts';
import type { Database } from '../schema.ts';
import type { YjsDocRepo } from '../types.ts';
import * as Y from 'yjs';

/** A snapshot row's content until its compaction fills it in (an empty document). */
const EMPTY_STATE = Buffer.from(Y.encodeStateAsUpdate(new Y.Doc()));

/** One update holding all of `updates`, without the content they deleted (a garbage-collected doc). */
function mergeUpdates(updates: Uint8Array[]): Uint8Array {
	const doc = new Y.Doc();
	for (const update of updates) Y.applyUpdate(doc, update);
	const merged = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return merged;
}

/** SQLite's default limit is 32,766 bound variables; three per row leaves a wide margin. */
const ROWS_PER_INSERT = 500;

/** pg_advisory_xact_lock's two-key space for appending to one document's yjs_updates rows. */
const YJS_LOG_LOCKS = 0x636779; // "cgy"

export function yjsDocRepo(db: Kysely<Database>, engine: Engine): YjsDocRepo {
	return {
		async load(docName) {
			const snapshot = await db
				.selectFrom('yjs_snapshots')
				.select(['state', 'through_id'])
				.where('doc_name', '=', docName)
				.executeTakeFirst();
			const throughId = snapshot?.through_id ?? 0;
			const updates = await db
				.selectFrom('yjs_updates')
				.select(['id', 'update_data'])
				.where('doc_name', '=', docName)
				.where('id', '>', throughId)
				.orderBy('id')
				.execute();
			return {
				snapshot: snapshot ? new Uint8Array(snapshot.state) : null,
				throughId,
				updates: updates.map((u) => ({ id: u.id, update: new Uint8Array(u.update_data) }))
			};
		},
		async heads(docNames) {
			const heads = new Map<string, { rows: number; throughId: number }>();
			for (let i = 0; i < docNames.length; i += ROWS_PER_INSERT) {
				const names = docNames.slice(i, i + ROWS_PER_INSERT);
				// The counts first: a compaction between the two queries raises through_id, which shows.
				const counts = await db
					.selectFrom('yjs_updates')
					.select((eb) => ['doc_name', eb.fn.countAll().as('rows')])
					.where('doc_name', 'in', names)
					.groupBy('doc_name')
					.execute();
				const snapshots = await db
					.selectFrom('yjs_snapshots')
					.select(['doc_name', 'through_id'])
					.where('doc_name', 'in', names)
					.execute();
				for (const s of snapshots) heads.set(s.doc_name, { rows: 0, throughId: Number(s.through_id) });
				for (const c of counts) {
					heads.set(c.doc_name, { rows: Number(c.rows), throughId: heads.get(c.doc_name)?.throughId ?? 0 });
				}
			}
			return heads;
		},
		async append(rows, now) {
			const ids: number[] = [];
			const createdAt = now.toISOString();
			// An identity column hands out ids at insert, not at commit, so two instances appending to one
			// document at once could commit 11 before 10: a compaction through 11 would then leave 10
			// behind its snapshot, never read again. Appends to one document take turns (until COMMIT),
			// so its ids grow in commit order; other documents don't wait (the order only matters within
			// a document: snapshots, counts and catch-up are all per document). The locks are taken in
			// one order, so two batches naming the same documents can't deadlock. SQLite has one writer.
			if (engine === 'postgres') {
				const docs = [...new Set(rows.map((r) => r.docName))].sort();
				await sql`select pg_advisory_xact_lock(${YJS_LOG_LOCKS}::int, k) from (select hashtext(d) as k from unnest(${docs}::text[]) as d order by 1) as keys`.execute(
					db
				);
			}
			for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
				const inserted = await db
					.insertInto('yjs_updates')
					.values(
						rows.slice(i, i + ROWS_PER_INSERT).map((r) => ({
							doc_name: r.docName,
							update_data: Buffer.from(r.update.buffer, r.update.byteOffset, r.update.byteLength),
							created_at: createdAt
						}))
					)
					.returning('id')
					.execute();
				ids.push(...inserted.map((r) => r.id));
			}
			return ids;
		},
		async compact({ docName, state, throughId, now }) {
			// Issue #17: the rows are merged into the snapshot as they are deleted, with the snapshot
			// before and the caller's state, so a row another instance wrote and the compacting one never
			// applied is kept. The upsert first takes the snapshot row's lock: compactions take turns.
			const run = async (tx: Kysely<Database>) => {
				const updatedAt = now.toISOString();
				await tx
					.insertInto('yjs_snapshots')
					.values({ doc_name: docName, state: EMPTY_STATE, through_id: 0, updated_at: updatedAt })
					.onConflict((oc) =>
						oc.column('doc_name').doUpdateSet({ updated_at: (eb) => eb.ref('excluded.updated_at') })
					)
					.execute();
				const previous = await tx
					.selectFrom('yjs_snapshots')
					.select(['state', 'through_id'])
					.where('doc_name', '=', docName)
					.executeTakeFirstOrThrow();
				const deleted = await tx
					.deleteFrom('yjs_updates')
					.where('doc_name', '=', docName)
					.where('id', '<=', throughId)
					.returning('update_data')
					.execute();
				const merged = mergeUpdates([
					new Uint8Array(previous.state),
					...deleted.map((r) => new Uint8Array(r.update_data)),
					state
				]);
				await tx
					.updateTable('yjs_snapshots')
					.set({
						state: Buffer.from(merged.buffer, merged.byteOffset, merged.byteLength),
						through_id: Math.max(Number(previous.through_id), throughId)
					})
					.where('doc_name', '=', docName)
					.execute();
			};
			await (db.isTransaction ? run(db) : db.transaction().execute(run));
		}
	};
}
