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
			reasonJson,
			matchingRunId,
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
				updated_at: now.toISOString(),
				accepted_a_at: null,
				accepted_b_at: null,
				declined_by: null,
				decline_reason: '',
				reason_json: reasonJson ?? '{}',
				proposed_start: null,
				proposed_by: null,
				no_show_reported_by: null,
				no_show_user_id: null,
				matching_run_id: matchingRunId ?? null
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
		async listForCommunity(communityId, { statuses, limit = 500 } = {}) {
			let query = db
				.selectFrom('conversations')
				.selectAll()
				.where('community_id', '=', communityId)
				.orderBy('scheduled_start')
				.orderBy('created_at')
				.limit(limit);
			if (statuses && statuses.length > 0) query = query.where('status', 'in', statuses);
			return (await query.execute()).map(toRecord);
		},
		async update(id, { now, acceptedAt, ...patch }) {
			const columns = {
				status: patch.status,
				facilitator_id: patch.facilitatorId,
				scheduled_start: patch.scheduledStart,
				in_common: patch.inCommon,
				declined_by: patch.declinedBy,
				decline_reason: patch.declineReason,
				proposed_start: patch.proposedStart,
				proposed_by: patch.proposedBy,
				no_show_reported_by: patch.noShowReportedBy,
				no_show_user_id: patch.noShowUserId,
				accepted_a_at: acceptedAt?.[0],
				accepted_b_at: acceptedAt?.[1]
			};
			const set = Object.fromEntries(Object.entries(columns).filter(([, value]) => value !== undefined));
			await db
				.updateTable('conversations')
				.set({ updated_at: now.toISOString(), ...set })
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
		updatedAt: row.updated_at,
		acceptedAt: [row.accepted_a_at, row.accepted_b_at],
		declinedBy: row.declined_by,
		declineReason: row.decline_reason,
		reasonJson: row.reason_json,
		proposedStart: row.proposed_start,
		proposedBy: row.proposed_by,
		noShowReportedBy: row.no_show_reported_by,
		noShowUserId: row.no_show_user_id,
		matchingRunId: row.matching_run_id
	};
}
