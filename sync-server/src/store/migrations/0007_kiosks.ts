import type { Kysely, Migration } from 'kysely';

/**
 * Kiosks (issue #7): a shared device at a library or community center. Staff create a one-time
 * enrollment code; the device trades it for a token. Only hashes of both are kept.
 */
export const kiosks: Migration = {
	async up(db: Kysely<unknown>) {
		await db.schema
			.createTable('kiosks')
			.addColumn('id', 'text', (c) => c.primaryKey())
			.addColumn('label', 'text', (c) => c.notNull())
			.addColumn('partner_organization_id', 'text', (c) => c.references('partner_organizations.id'))
			.addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
			.addColumn('enrollment_code_hash', 'text', (c) => c.unique())
			.addColumn('enrollment_expires_at', 'text', (c) => c.notNull())
			.addColumn('token_hash', 'text', (c) => c.unique())
			.addColumn('enrolled_at', 'text')
			.addColumn('revoked_at', 'text')
			.addColumn('created_at', 'text', (c) => c.notNull())
			.execute();
		await db.schema
			.createIndex('kiosks_partner_organization')
			.on('kiosks')
			.column('partner_organization_id')
			.execute();
	},
	async down(db: Kysely<unknown>) {
		await db.schema.dropTable('kiosks').execute();
	}
};
