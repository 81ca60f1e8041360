import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { ConversationsTable, Database } from '../schema.ts';
import type { ConversationRecord, ConversationRepo } from '../types.ts';

export function conversationRepo(db: Kysely<Database>): ConversationRepo {
	return {
		async create({
			communityId,
			participantIds,
			facilitatorId = null,
			status,
			inCommon,
			scheduledStart,
			now
		}) {
			const row = {
				id: randomUUID(),
				community_id: communityId,
				participant_a_id: participantIds[0],
				participant_b_id: participantIds[1],
				facilitator_id: facilitatorId,
				status: status ?? 'proposed',
				in_common: inCommon ?? '',
				scheduled_start: scheduledStart ?? null,
				created_at: now.toISOString(),
				updated_at: now.toISOString()
			};
			await db.insertInto('conversations').values(row).execute();
			return toRecord(row);
		},
		async findById(id) {
			const row = await db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
			return row && toRecord(row);
		},
		async listForUser(userId) {
			const rows = await db
				.selectFrom('conversations')
				.selectAll()
				.where((eb) =>
					eb.or([
						eb('participant_a_id', '=', userId),
						eb('participant_b_id', '=', userId),
						eb('facilitator_id', '=', userId)
					])
				)
				.orderBy('created_at', 'desc')
				.execute();
			return rows.map(toRecord);
		},
		async update(id, { now, status, facilitatorId, scheduledStart, inCommon }) {
			await db
				.updateTable('conversations')
				.set({
					updated_at: now.toISOString(),
					...(status !== undefined && { status }),
					...(facilitatorId !== undefined && { facilitator_id: facilitatorId }),
					...(scheduledStart !== undefined && { scheduled_start: scheduledStart }),
					...(inCommon !== undefined && { in_common: inCommon })
				})
				.where('id', '=', id)
				.execute();
		}
	};
}

function toRecord(row: Selectable<ConversationsTable>): ConversationRecord {
	return {
		id: row.id,
		communityId: row.community_id,
		participantIds: [row.participant_a_id, row.participant_b_id],
		facilitatorId: row.facilitator_id,
		status: row.status,
		inCommon: row.in_common,
		scheduledStart: row.scheduled_start,
		createdAt: row.created_at,
		updatedAt: row.updated_at
	};
}
