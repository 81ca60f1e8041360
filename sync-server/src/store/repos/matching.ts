import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, MatchingRunsTable } from '../schema.ts';
import type { MatchingRepo, MatchingRunRecord } from '../types.ts';

export function matchingRepo(db: Kysely<Database>): MatchingRepo {
	return {
		async claim(participantIds, conversationId) {
			await db
				.insertInto('active_matches')
				.values(participantIds.map((id) => ({ participant_id: id, conversation_id: conversationId })))
				.execute();
		},
		async release(conversationId) {
			await db.deleteFrom('active_matches').where('conversation_id', '=', conversationId).execute();
		},
		async activeConversationOf(participantId) {
			const row = await db
				.selectFrom('active_matches')
				.select('conversation_id')
				.where('participant_id', '=', participantId)
				.executeTakeFirst();
			return row?.conversation_id;
		},
		async activeParticipantIds() {
			const rows = await db.selectFrom('active_matches').select('participant_id').execute();
			return new Set(rows.map((r) => r.participant_id));
		},
		async createRun({ communityId, createdBy, status, resultJson, now }) {
			const row = {
				id: randomUUID(),
				community_id: communityId,
				created_by: createdBy,
				status,
				result_json: resultJson,
				created_at: now.toISOString(),
				approved_at: null
			};
			await db.insertInto('matching_runs').values(row).execute();
			return toRun(row);
		},
		async findRun(id) {
			const row = await db.selectFrom('matching_runs').selectAll().where('id', '=', id).executeTakeFirst();
			return row && toRun(row);
		},
		async closeRun(id, { status, now }) {
			await db
				.updateTable('matching_runs')
				.set({ status, approved_at: status === 'approved' ? now.toISOString() : null })
				.where('id', '=', id)
				.execute();
		},
		async pastPairs(communityId) {
			const rows = await db
				.selectFrom('conversations')
				.select(['participant_a_id', 'participant_b_id'])
				.where('community_id', '=', communityId)
				.execute();
			return rows.map((r) => [r.participant_a_id, r.participant_b_id]);
		}
	};
}

function toRun(row: Selectable<MatchingRunsTable>): MatchingRunRecord {
	return {
		id: row.id,
		communityId: row.community_id,
		createdBy: row.created_by,
		status: row.status,
		resultJson: row.result_json,
		createdAt: row.created_at,
		approvedAt: row.approved_at
	};
}
