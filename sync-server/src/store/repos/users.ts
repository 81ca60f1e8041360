import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, UsersTable } from '../schema.ts';
import type { UserRecord, UserRepo } from '../types.ts';

export function userRepo(db: Kysely<Database>): UserRepo {
	const findBy = async (column: 'id' | 'email' | 'personal_code_hash', value: string) => {
		const row = await db.selectFrom('users').selectAll().where(column, '=', value).executeTakeFirst();
		return row && toRecord(row);
	};
	const rowOf = (input: Parameters<UserRepo['create']>[0]) => ({
		id: randomUUID(),
		role: input.role,
		email: input.email,
		first_name: input.firstName,
		last_name: input.lastName,
		phone: input.phone,
		personal_code_hash: input.personalCodeHash,
		language: input.language,
		partner_organization_id: input.partnerOrganizationId,
		created_at: input.now.toISOString()
	});
	return {
		async create(input) {
			const row = rowOf(input);
			await db.insertInto('users').values(row).execute();
			return toRecord(row);
		},
		async createUnlessCodeTaken(input) {
			const row = rowOf(input);
			const inserted = await db
				.insertInto('users')
				.values(row)
				.onConflict((oc) => oc.column('personal_code_hash').doNothing())
				.returning('id')
				.executeTakeFirst();
			return inserted && toRecord(row);
		},
		findById: (id) => findBy('id', id),
		async setLanguage(id, language) {
			await db.updateTable('users').set({ language }).where('id', '=', id).execute();
		},
		findByEmail: (email) => findBy('email', email),
		findByPersonalCodeHash: (hash) => findBy('personal_code_hash', hash),
		async listByRole(role) {
			const rows = await db
				.selectFrom('users')
				.select(['id', 'first_name', 'last_name'])
				.where('role', '=', role)
				.orderBy('first_name')
				.execute();
			return rows.map((r) => ({ id: r.id, name: `${r.first_name} ${r.last_name}`.trim() }));
		}
	};
}

function toRecord(row: Selectable<UsersTable>): UserRecord {
	return {
		id: row.id,
		role: row.role,
		email: row.email,
		firstName: row.first_name,
		lastName: row.last_name,
		phone: row.phone,
		language: row.language,
		partnerOrganizationId: row.partner_organization_id,
		createdAt: row.created_at
	};
}
