import type { Kysely, Selectable } from 'kysely';
import type { ConversationCopiesTable, Database } from '../schema.ts';
import type { CopyRecord, CopyRepo } from '../types.ts';

export function copyRepo(db: Kysely<Database>): CopyRepo {
	return {
		async find(conversationId) {
			const row = await db
				.selectFrom('conversation_copies')
				.selectAll()
				.where('conversation_id', '=', conversationId)
				.executeTakeFirst();
			return row && toRecord(row);
		},
		async save({ now, ...copy }) {
			const values = {
				conversation_id: copy.conversationId,
				status: copy.status,
				file_path: copy.filePath,
				sha256: copy.sha256,
				bytes: copy.bytes,
				duration_ms: copy.durationMs,
				error: copy.error,
				notified_at: copy.notifiedAt,
				updated_at: now.toISOString()
			};
			await db
				.insertInto('conversation_copies')
				.values({ ...values, created_at: now.toISOString() })
				.onConflict((oc) => oc.column('conversation_id').doUpdateSet(values))
				.execute();
		},
		async markNotified(conversationId, now) {
			const result = await db
				.updateTable('conversation_copies')
				.set({ notified_at: now.toISOString() })
				.where('conversation_id', '=', conversationId)
				.where('status', '=', 'ready')
				.where('notified_at', 'is', null)
				.executeTakeFirst();
			return result.numUpdatedRows > 0n;
		}
	};
}

function toRecord(row: Selectable<ConversationCopiesTable>): CopyRecord {
	return {
		conversationId: row.conversation_id,
		status: row.status,
		filePath: row.file_path,
		sha256: row.sha256,
		bytes: row.bytes,
		durationMs: row.duration_ms,
		error: row.error,
		notifiedAt: row.notified_at,
		createdAt: row.created_at,
		updatedAt: row.updated_at
	};
}
