import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { ParticipantRepo } from '../types.ts';

export function participantRepo(db: Kysely<Database>): ParticipantRepo {
	return {
		async create(input) {
			await db
				.insertInto('participants')
				.values({
					user_id: input.userId,
					community_id: input.communityId,
					partner_organization_id: input.partnerOrganizationId,
					answers_json: input.answersJson,
					agreement_version: input.agreementVersion,
					autobiography: input.autobiography,
					created_at: input.now.toISOString()
				})
				.execute();
		},
		async findByUserId(userId) {
			const row = await db
				.selectFrom('participants')
				.selectAll()
				.where('user_id', '=', userId)
				.executeTakeFirst();
			return (
				row && {
					userId: row.user_id,
					communityId: row.community_id,
					partnerOrganizationId: row.partner_organization_id,
					status: row.status,
					answersJson: row.answers_json,
					agreementVersion: row.agreement_version,
					autobiography: row.autobiography,
					createdAt: row.created_at
				}
			);
		},
		async count() {
			const row = await db
				.selectFrom('participants')
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.executeTakeFirstOrThrow();
			return Number(row.n);
		}
	};
}
