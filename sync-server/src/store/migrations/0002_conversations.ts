import { sql, type Kysely, type Migration } from 'kysely';

/**
 * A conversation is a match between two participants (DESIGN.md, "match → conversation"). Matching,
 * scheduling, the question list and the recording all hang off it, so it is its own migration.
 */
export const conversations: Migration = {
	async up(db: Kysely<unknown>) {
		await db.schema
			.createTable('conversations')
			.addColumn('id', 'text', (c) => c.primaryKey())
			.addColumn('community_id', 'text', (c) => c.notNull().references('communities.id'))
			.addColumn('participant_a_id', 'text', (c) => c.notNull().references('users.id'))
			.addColumn('participant_b_id', 'text', (c) => c.notNull().references('users.id'))
			.addColumn('facilitator_id', 'text', (c) => c.references('users.id'))
			.addColumn('status', 'text', (c) =>
				c
					.notNull()
					.defaultTo('proposed')
					.check(
						sql`status in ('proposed', 'accepted', 'scheduled', 'recorded', 'declined', 'cancelled', 'no_show')`
					)
			)
			.addColumn('in_common', 'text', (c) => c.notNull().defaultTo(''))
			.addColumn('scheduled_start', 'text')
			.addColumn('created_at', 'text', (c) => c.notNull())
			.addColumn('updated_at', 'text', (c) => c.notNull())
			.addCheckConstraint('conversations_two_people', sql`participant_a_id <> participant_b_id`)
			.execute();
		await db.schema.createIndex('conversations_a').on('conversations').column('participant_a_id').execute();
		await db.schema.createIndex('conversations_b').on('conversations').column('participant_b_id').execute();
		await db.schema
			.createIndex('conversations_community')
			.on('conversations')
			.column('community_id')
			.execute();
	},
	async down(db: Kysely<unknown>) {
		await db.schema.dropTable('conversations').execute();
	}
};
