import { sql, type Kysely, type Migration } from 'kysely';
import type { SchemaDialect } from './dialect.ts';

/**
 * After the conversation (issue #6): the consent log, the tracks the server confirmed by checksum,
 * the mixed copy, and the reflection survey.
 */
export const afterConversation = (d: SchemaDialect): Migration => ({
	async up(db: Kysely<unknown>) {
		// Append-only: every answer is kept with who, when and which text version, so the archive
		// package can carry the whole record and a withdrawal never erases the earlier yes.
		await db.schema
			.createTable('consents')
			.addColumn('id', 'text', (c) => c.primaryKey())
			.addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
			.addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
			.addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('copy', 'archive')`))
			.addColumn('answer', 'text', (c) => c.notNull().check(sql`answer in ('yes', 'no', 'withdrawn')`))
			.addColumn('text_version', 'text', (c) => c.notNull())
			.addColumn('language', 'text', (c) => c.notNull())
			.addColumn('archive_fields_json', 'text')
			.addColumn('decided_at', 'text', (c) => c.notNull())
			.addColumn('recorded_at', 'text', (c) => c.notNull())
			.execute();
		// SQLite keeps the order rows arrived in as rowid; PostgreSQL has no such column, so it gets one.
		if (d.engine === 'postgres') {
			await db.schema
				.alterTable('consents')
				.addColumn('seq', 'bigint', (c) => c.notNull().generatedAlwaysAsIdentity())
				.execute();
		}
		await db.schema.createIndex('consents_conversation').on('consents').column('conversation_id').execute();

		await db.schema
			.createTable('conversation_tracks')
			.addColumn('id', 'text', (c) => c.primaryKey())
			.addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
			.addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
			.addColumn('track_id', 'text', (c) => c.notNull())
			.addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('share', 'master')`))
			.addColumn('upload_id', 'text', (c) => c.notNull())
			.addColumn('file_path', 'text', (c) => c.notNull())
			.addColumn('sha256', 'text', (c) => c.notNull())
			.addColumn('bytes', d.int64, (c) => c.notNull())
			.addColumn('codec', 'text', (c) => c.notNull())
			.addColumn('duration_ms', 'integer', (c) => c.notNull())
			.addColumn('started_at_server_ms', d.float64, (c) => c.notNull())
			.addColumn('samples_per_second', d.float64, (c) => c.notNull())
			.addColumn('confirmed_at', 'text', (c) => c.notNull())
			.execute();
		await db.schema
			.createIndex('conversation_tracks_one_per_kind')
			.on('conversation_tracks')
			.columns(['conversation_id', 'user_id', 'kind'])
			.unique()
			.execute();

		await db.schema
			.createTable('conversation_copies')
			.addColumn('conversation_id', 'text', (c) => c.primaryKey().references('conversations.id'))
			.addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('mixing', 'ready', 'failed')`))
			.addColumn('file_path', 'text')
			.addColumn('sha256', 'text')
			.addColumn('bytes', d.int64)
			.addColumn('duration_ms', 'integer')
			.addColumn('error', 'text')
			.addColumn('notified_at', 'text')
			.addColumn('created_at', 'text', (c) => c.notNull())
			.addColumn('updated_at', 'text', (c) => c.notNull())
			.execute();

		await db.schema
			.createTable('reflections')
			.addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
			.addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
			.addColumn('thermometer', 'integer', (c) => c.notNull())
			.addColumn('again', 'text', (c) => c.notNull().check(sql`again in ('yes', 'maybe', 'no')`))
			.addColumn('created_at', 'text', (c) => c.notNull())
			.addPrimaryKeyConstraint('reflections_pk', ['conversation_id', 'user_id'])
			.execute();
	},
	async down(db: Kysely<unknown>) {
		for (const table of ['reflections', 'conversation_copies', 'conversation_tracks', 'consents']) {
			await db.schema.dropTable(table).execute();
		}
	}
});
