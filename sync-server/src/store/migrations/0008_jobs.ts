import type { Kysely, Migration } from 'kysely';

/**
 * Work that runs once across instances (issue #17). `jobs` holds one row per kind and key (a mix per
 * conversation, a timer per name): asking again while it waits adds nothing, and asking while it
 * runs makes it run once more. A runner claims a row by leasing it; one that dies stops renewing,
 * and another takes the row once the lease has expired. The outbox gets the same kind of claim, so
 * two instances flushing at once never send a message twice. Only text and integer columns, so the
 * migration is the same on SQLite and PostgreSQL. Timestamps are ISO-8601 UTC text, as elsewhere.
 */
export const jobs: Migration = {
	async up(db: Kysely<unknown>) {
		await db.schema
			.createTable('jobs')
			.addColumn('kind', 'text', (c) => c.notNull())
			.addColumn('key', 'text', (c) => c.notNull())
			.addColumn('state', 'text', (c) => c.notNull())
			.addColumn('run_at', 'text', (c) => c.notNull())
			.addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
			// Bumped by every request, so a runner can tell whether it was asked again while it ran.
			.addColumn('requested', 'integer', (c) => c.notNull().defaultTo(1))
			.addColumn('lease_holder', 'text')
			.addColumn('lease_expires_at', 'text')
			.addColumn('last_error', 'text')
			.addColumn('created_at', 'text', (c) => c.notNull())
			.addColumn('updated_at', 'text', (c) => c.notNull())
			.addPrimaryKeyConstraint('jobs_pk', ['kind', 'key'])
			.execute();
		await db.schema.createIndex('jobs_due').on('jobs').columns(['state', 'run_at']).execute();
		await db.schema.alterTable('mail_outbox').addColumn('claimed_by', 'text').execute();
		await db.schema.alterTable('mail_outbox').addColumn('claimed_until', 'text').execute();
	},
	async down(db: Kysely<unknown>) {
		await db.schema.alterTable('mail_outbox').dropColumn('claimed_until').execute();
		await db.schema.alterTable('mail_outbox').dropColumn('claimed_by').execute();
		await db.schema.dropTable('jobs').execute();
	}
};
