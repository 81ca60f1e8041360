import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { KioskRecord, KioskRepo } from '../types.ts';

export function kioskRepo(db: Kysely<Database>): KioskRepo {
	const select = () =>
		db
			.selectFrom('kiosks')
			.leftJoin('partner_organizations', 'partner_organizations.id', 'kiosks.partner_organization_id')
			.select([
				'kiosks.id',
				'kiosks.label',
				'kiosks.partner_organization_id',
				'partner_organizations.name as organization_name',
				'kiosks.enrollment_expires_at',
				'kiosks.enrolled_at',
				'kiosks.revoked_at',
				'kiosks.created_at'
			]);
	type Row = Awaited<ReturnType<ReturnType<typeof select>['executeTakeFirstOrThrow']>>;
	const toRecord = (row: Row): KioskRecord => ({
		id: row.id,
		label: row.label,
		partnerOrganizationId: row.partner_organization_id,
		organizationName: row.organization_name,
		status: row.revoked_at ? 'revoked' : row.enrolled_at ? 'enrolled' : 'waiting',
		enrollmentExpiresAt: row.enrollment_expires_at,
		enrolledAt: row.enrolled_at,
		createdAt: row.created_at
	});
	const byId = async (id: string) => {
		const row = await select().where('kiosks.id', '=', id).executeTakeFirst();
		return row && toRecord(row);
	};

	return {
		async create({ label, partnerOrganizationId, createdBy, enrollmentCodeHash, enrollmentExpiresAt, now }) {
			const id = randomUUID();
			await db
				.insertInto('kiosks')
				.values({
					id,
					label,
					partner_organization_id: partnerOrganizationId,
					created_by: createdBy,
					enrollment_code_hash: enrollmentCodeHash,
					enrollment_expires_at: enrollmentExpiresAt.toISOString(),
					token_hash: null,
					enrolled_at: null,
					revoked_at: null,
					created_at: now.toISOString()
				})
				.execute();
			const created = await byId(id);
			if (!created) throw new Error('kiosk vanished after insert');
			return created;
		},
		async enroll({ enrollmentCodeHash, tokenHash, now }) {
			const row = await db
				.updateTable('kiosks')
				.set({ token_hash: tokenHash, enrolled_at: now.toISOString(), enrollment_code_hash: null })
				.where('enrollment_code_hash', '=', enrollmentCodeHash)
				.where('enrollment_expires_at', '>', now.toISOString())
				.where('revoked_at', 'is', null)
				.returning('id')
				.executeTakeFirst();
			return row && byId(row.id);
		},
		async findByToken(tokenHash) {
			const row = await select().where('kiosks.token_hash', '=', tokenHash).executeTakeFirst();
			return row && toRecord(row);
		},
		findById: byId,
		async list({ partnerOrganizationId }) {
			let query = select().orderBy('kiosks.created_at', 'desc');
			if (partnerOrganizationId)
				query = query.where('kiosks.partner_organization_id', '=', partnerOrganizationId);
			return (await query.execute()).map(toRecord);
		},
		async revoke(id, now) {
			await db
				.updateTable('kiosks')
				.set({ revoked_at: now.toISOString(), token_hash: null, enrollment_code_hash: null })
				.where('id', '=', id)
				.where('revoked_at', 'is', null)
				.execute();
		}
	};
}
