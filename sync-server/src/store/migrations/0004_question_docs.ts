import { sql, type Kysely, type Migration } from 'kysely';
import type { SchemaDialect } from './dialect.ts';

/**
 * Shared Yjs documents (issue #4): an append-only log of updates per document and at most one
 * compacted snapshot. A snapshot replaces every log row up to `through_id`; rows after it are
 * replayed on load. Documents are named by their kind, e.g. `questions-<conversation id>`.
 */
export const questionDocs = (d: SchemaDialect): Migration => ({
	async up(db: Kysely<unknown>) {
		await db.schema
			.createTable('yjs_updates')
			.addColumn('id', d.autoIdType, d.autoId)
			.addColumn('doc_name', 'text', (c) => c.notNull())
			.addColumn('update_data', d.bytes, (c) => c.notNull())
			.addColumn('created_at', 'text', (c) => c.notNull())
			.execute();
		await db.schema.createIndex('yjs_updates_doc').on('yjs_updates').columns(['doc_name', 'id']).execute();
		await db.schema
			.createTable('yjs_snapshots')
			.addColumn('doc_name', 'text', (c) => c.primaryKey())
			.addColumn('state', d.bytes, (c) => c.notNull())
			.addColumn('through_id', d.int64, (c) => c.notNull())
			.addColumn('updated_at', 'text', (c) => c.notNull())
			.addCheckConstraint('yjs_snapshots_through', sql`through_id >= 0`)
			.execute();
	},
	async down(db: Kysely<unknown>) {
		await db.schema.dropTable('yjs_snapshots').execute();
		await db.schema.dropTable('yjs_updates').execute();
	}
});
