import { sql, type Kysely, type Migration } from 'kysely';
import type { SchemaDialect } from './dialect.ts';

/**
 * Issue #3: matching, the partner's profile and scheduling. Columns are added rather than tables
 * rebuilt, so existing sign-ups and the demo conversation carry over untouched.
 */
export const matching = (d: SchemaDialect): Migration => ({
	async up(db: Kysely<unknown>) {
		await db.schema
			.alterTable('communities')
			.addColumn('matching_mode', 'text', (c) =>
				c
					.notNull()
					.defaultTo('optimal')
					.check(sql`matching_mode in ('optimal', 'shortlist')`)
			)
			.execute();

		for (const [column, type, dflt] of [
			['oriented_at', 'text', null],
			['waiting_since', 'text', null],
			['rematch_priority', 'integer', 0],
			['coordinator_notes', 'text', '']
		] as const) {
			await db.schema
				.alterTable('participants')
				.addColumn(column, type, (c) => (dflt === null ? c : c.notNull().defaultTo(dflt)))
				.execute();
		}

		for (const [column, dflt] of [
			['accepted_a_at', null],
			['accepted_b_at', null],
			['declined_by', null],
			['decline_reason', ''],
			['reason_json', '{}'],
			['proposed_start', null],
			['proposed_by', null],
			['no_show_reported_by', null],
			['no_show_user_id', null],
			['matching_run_id', null]
		] as const) {
			await db.schema
				.alterTable('conversations')
				.addColumn(column, 'text', (c) => (dflt === null ? c : c.notNull().defaultTo(dflt)))
				.execute();
		}
		await db.schema
			.createIndex('conversations_scheduled')
			.on('conversations')
			.column('scheduled_start')
			.execute();

		// "Nobody ever has two active matches", enforced by the database itself: one row per person
		// while their conversation is proposed, accepted or scheduled. A second insert fails the run.
		await db.schema
			.createTable('active_matches')
			.addColumn('participant_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
			.addColumn('conversation_id', 'text', (c) =>
				c.notNull().references('conversations.id').onDelete('cascade')
			)
			.execute();

		// Conversations made before this migration (the demo's ready-made one) hold their people too.
		const active = sql`
			select participant_a_id, id from conversations where status in ('proposed', 'accepted', 'scheduled')
			union all
			select participant_b_id, id from conversations where status in ('proposed', 'accepted', 'scheduled')
		`;
		await (
			d.engine === 'postgres'
				? sql`insert into active_matches (participant_id, conversation_id) ${active} on conflict do nothing`
				: sql`insert or ignore into active_matches (participant_id, conversation_id) ${active}`
		).execute(db);

		await db.schema
			.createTable('matching_runs')
			.addColumn('id', 'text', (c) => c.primaryKey())
			.addColumn('community_id', 'text', (c) => c.notNull().references('communities.id'))
			.addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
			.addColumn('status', 'text', (c) =>
				c.notNull().check(sql`status in ('preview', 'approved', 'discarded')`)
			)
			.addColumn('result_json', 'text', (c) => c.notNull())
			.addColumn('created_at', 'text', (c) => c.notNull())
			.addColumn('approved_at', 'text')
			.execute();

		// Reminders wait in the outbox until their time; rescheduling cancels them by key.
		await db.schema.alterTable('mail_outbox').addColumn('send_after', 'text').execute();
		await db.schema.alterTable('mail_outbox').addColumn('cancel_key', 'text').execute();
		await db.schema.alterTable('mail_outbox').addColumn('attachments_json', 'text').execute();
		await db.schema.createIndex('mail_outbox_cancel_key').on('mail_outbox').column('cancel_key').execute();
	},
	async down(db: Kysely<unknown>) {
		await db.schema.dropTable('matching_runs').execute();
		await db.schema.dropTable('active_matches').execute();
	}
});
