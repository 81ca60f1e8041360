import { sql, type Kysely, type Migration } from 'kysely';
import type { SchemaDialect } from './dialect.ts';

// Migrations take Kysely<unknown>: they must keep working after schema.ts moves on.
export const foundation = (d: SchemaDialect): Migration => ({
	async up(db: Kysely<unknown>) {
		await db.schema
			.createTable('communities')
			.addColumn('id', 'text', (c) => c.primaryKey())
			.addColumn('name', 'text', (c) => c.notNull().unique())
			.addColumn('time_zone', 'text', (c) => c.notNull())
			.addColumn('conversation_minutes', 'integer', (c) => c.notNull().defaultTo(40))
			.addColumn('created_at', 'text', (c) => c.notNull())
			.execute();

		await db.schema
			.createTable('partner_organizations')
			.addColumn('id', 'text', (c) => c.primaryKey())
			.addColumn('name', 'text', (c) => c.notNull())
			.addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
			.addColumn('political_background', 'text', (c) =>
				c.notNull().check(sql`political_background in ('left', 'center', 'right', 'nonpartisan')`)
			)
			.addColumn('invite_code', 'text', (c) => c.notNull().unique())
			.addColumn('created_at', 'text', (c) => c.notNull())
			.execute();

		await db.schema
			.createTable('users')
			.addColumn('id', 'text', (c) => c.primaryKey())
			.addColumn('role', 'text', (c) =>
				c.notNull().check(sql`role in ('participant', 'partner_staff', 'facilitator', 'coordinator')`)
			)
			.addColumn('email', 'text', (c) => c.unique())
			.addColumn('first_name', 'text', (c) => c.notNull())
			.addColumn('last_name', 'text', (c) => c.notNull().defaultTo(''))
			.addColumn('phone', 'text')
			.addColumn('personal_code_hash', 'text', (c) => c.unique())
			.addColumn('language', 'text', (c) => c.notNull().defaultTo('en'))
			.addColumn('partner_organization_id', 'text', (c) => c.references('partner_organizations.id'))
			.addColumn('created_at', 'text', (c) => c.notNull())
			.execute();

		await db.schema
			.createTable('participants')
			.addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
			.addColumn('community_id', 'text', (c) => c.notNull().references('communities.id'))
			.addColumn('partner_organization_id', 'text', (c) => c.references('partner_organizations.id'))
			.addColumn('status', 'text', (c) => c.notNull().defaultTo('signed_up'))
			.addColumn('answers_json', 'text', (c) => c.notNull())
			.addColumn('agreement_version', 'text', (c) => c.notNull())
			.addColumn('autobiography', 'text', (c) => c.notNull())
			.addColumn('created_at', 'text', (c) => c.notNull())
			.execute();
		await db.schema.createIndex('participants_community').on('participants').column('community_id').execute();
		await db.schema
			.createIndex('participants_partner_organization')
			.on('participants')
			.column('partner_organization_id')
			.execute();

		await db.schema
			.createTable('sign_in_tokens')
			.addColumn('token_hash', 'text', (c) => c.primaryKey())
			.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
			.addColumn('expires_at', 'text', (c) => c.notNull())
			.addColumn('used_at', 'text')
			.addColumn('created_at', 'text', (c) => c.notNull())
			.execute();
		await db.schema.createIndex('sign_in_tokens_user').on('sign_in_tokens').column('user_id').execute();

		await db.schema
			.createTable('sessions')
			.addColumn('id_hash', 'text', (c) => c.primaryKey())
			.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
			.addColumn('created_at', 'text', (c) => c.notNull())
			.addColumn('expires_at', 'text', (c) => c.notNull())
			.execute();
		await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

		await db.schema
			.createTable('mutations')
			.addColumn('id_hash', 'text', (c) => c.primaryKey())
			.addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
			.addColumn('type', 'text', (c) => c.notNull())
			.addColumn('payload_hash', 'text', (c) => c.notNull())
			.addColumn('result_json', 'text', (c) => c.notNull())
			.addColumn('created_at', 'text', (c) => c.notNull())
			.execute();

		await db.schema
			.createTable('mail_outbox')
			.addColumn('id', d.autoIdType, d.autoId)
			.addColumn('to_address', 'text', (c) => c.notNull())
			.addColumn('subject', 'text', (c) => c.notNull())
			.addColumn('text', 'text', (c) => c.notNull())
			.addColumn('html', 'text')
			.addColumn('created_at', 'text', (c) => c.notNull())
			.addColumn('sent_at', 'text')
			.addColumn('error', 'text')
			.addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
			.execute();
		await db.schema.createIndex('mail_outbox_unsent').on('mail_outbox').columns(['sent_at', 'id']).execute();
	},

	async down(db: Kysely<unknown>) {
		for (const table of [
			'mail_outbox',
			'mutations',
			'sessions',
			'sign_in_tokens',
			'participants',
			'users',
			'partner_organizations',
			'communities'
		]) {
			await db.schema.dropTable(table).ifExists().execute();
		}
	}
});
