import type { Kysely, Selectable } from 'kysely';
import type { Database, ParticipantsTable } from '../schema.ts';
import type { ParticipantRecord, ParticipantRepo } from '../types.ts';

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
			return row && toRecord(row);
		},
		async count() {
			const row = await db
				.selectFrom('participants')
				.select((eb) => eb.fn.countAll<number>().as('n'))
				.executeTakeFirstOrThrow();
			return Number(row.n);
		},
		async markOriented(userId, now) {
			const at = now.toISOString();
			await db
				.updateTable('participants')
				.set((eb) => ({
					oriented_at: eb.fn.coalesce('oriented_at', eb.val(at)),
					waiting_since: eb.fn.coalesce('waiting_since', eb.val(at))
				}))
				.where('user_id', '=', userId)
				.execute();
		},
		async requeue(userId, { now, priority }) {
			await db
				.updateTable('participants')
				.set({ waiting_since: now.toISOString(), ...(priority && { rematch_priority: 1 }) })
				.where('user_id', '=', userId)
				.execute();
		},
		async clearPriority(userId) {
			await db
				.updateTable('participants')
				.set({ rematch_priority: 0 })
				.where('user_id', '=', userId)
				.execute();
		},
		async setNotes(userId, notes) {
			await db
				.updateTable('participants')
				.set({ coordinator_notes: notes })
				.where('user_id', '=', userId)
				.execute();
		},
		async listDirectory({ communityId, partnerOrganizationId, search, limit }) {
			let query = db
				.selectFrom('participants')
				.innerJoin('users', 'users.id', 'participants.user_id')
				.selectAll('participants')
				.select(['users.first_name', 'users.last_name', 'users.email', 'users.phone'])
				.orderBy('participants.created_at')
				.limit(limit);
			if (communityId) query = query.where('participants.community_id', '=', communityId);
			if (partnerOrganizationId)
				query = query.where('participants.partner_organization_id', '=', partnerOrganizationId);
			const term = search?.trim().toLowerCase();
			if (term) {
				const like = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
				query = query.where((eb) =>
					eb.or(
						(['users.first_name', 'users.last_name', 'users.email'] as const).map((column) =>
							eb(eb.fn('lower', [column]), 'like', like)
						)
					)
				);
			}
			return (await query.execute()).map((row) => ({
				...toRecord(row),
				firstName: row.first_name,
				lastName: row.last_name,
				email: row.email,
				phone: row.phone
			}));
		}
	};
}

function toRecord(row: Selectable<ParticipantsTable>): ParticipantRecord {
	return {
		userId: row.user_id,
		communityId: row.community_id,
		partnerOrganizationId: row.partner_organization_id,
		status: row.status,
		answersJson: row.answers_json,
		agreementVersion: row.agreement_version,
		autobiography: row.autobiography,
		createdAt: row.created_at,
		orientedAt: row.oriented_at,
		waitingSince: row.waiting_since,
		rematchPriority: row.rematch_priority !== 0,
		coordinatorNotes: row.coordinator_notes
	};
}
