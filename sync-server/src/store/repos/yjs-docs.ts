import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { YjsDocRepo } from '../types.ts';

/** SQLite's default limit is 32,766 bound variables; three per row leaves a wide margin. */
const ROWS_PER_INSERT = 500;

export function yjsDocRepo(db: Kysely<Database>): YjsDocRepo {
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
		async append(rows, now) {
			const ids: number[] = [];
			const createdAt = now.toISOString();
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
			await db
				.insertInto('yjs_snapshots')
				.values({
					doc_name: docName,
					state: Buffer.from(state.buffer, state.byteOffset, state.byteLength),
					through_id: throughId,
					updated_at: now.toISOString()
				})
				.onConflict((oc) =>
					oc.column('doc_name').doUpdateSet({
						state: (eb) => eb.ref('excluded.state'),
						through_id: (eb) => eb.ref('excluded.through_id'),
						updated_at: (eb) => eb.ref('excluded.updated_at')
					})
				)
				.execute();
			await db
				.deleteFrom('yjs_updates')
				.where('doc_name', '=', docName)
				.where('id', '<=', throughId)
				.execute();
		}
	};
}
