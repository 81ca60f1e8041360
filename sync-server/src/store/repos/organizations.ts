import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, PartnerOrganizationsTable } from '../schema.ts';
import type { OrganizationRecord, OrganizationRepo } from '../types.ts';

export function organizationRepo(db: Kysely<Database>): OrganizationRepo {
	return {
		async findByInviteCode(code) {
			const row = await db
				.selectFrom('partner_organizations')
				.selectAll()
				.where('invite_code', '=', code.trim().toUpperCase())
				.executeTakeFirst();
			return row && toRecord(row);
		},
		async create({ name, description, politicalBackground, inviteCode, now }) {
			const row = {
				id: randomUUID(),
				name,
				description,
				political_background: politicalBackground,
				invite_code: inviteCode.trim().toUpperCase(),
				created_at: now.toISOString()
			};
			await db.insertInto('partner_organizations').values(row).execute();
			return toRecord(row);
		},
		async list() {
			const rows = await db.selectFrom('partner_organizations').selectAll().orderBy('name').execute();
			return rows.map(toRecord);
		},
		async findById(id) {
			const row = await db
				.selectFrom('partner_organizations')
				.selectAll()
				.where('id', '=', id)
				.executeTakeFirst();
			return row && toRecord(row);
		}
	};
}

function toRecord(row: Selectable<PartnerOrganizationsTable>): OrganizationRecord {
	return {
		id: row.id,
		name: row.name,
		description: row.description,
		politicalBackground: row.political_background,
		inviteCode: row.invite_code,
		createdAt: row.created_at
	};
}
