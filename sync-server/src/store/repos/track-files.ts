import type { Kysely, Selectable } from 'kysely';
import type { ConversationTracksTable, Database } from '../schema.ts';
import type { TrackFile, TrackFileRepo } from '../types.ts';

export function trackFileRepo(db: Kysely<Database>): TrackFileRepo {
	return {
		async save(t) {
			const row: Selectable<ConversationTracksTable> = {
				id: t.id,
				conversation_id: t.conversationId,
				user_id: t.userId,
				track_id: t.trackId,
				kind: t.kind,
				upload_id: t.uploadId,
				file_path: t.filePath,
				sha256: t.sha256,
				bytes: t.bytes,
				codec: t.codec,
				duration_ms: t.durationMs,
				started_at_server_ms: t.startedAtServerMs,
				samples_per_second: t.samplesPerSecond,
				confirmed_at: t.confirmedAt
			};
			await db
				.deleteFrom('conversation_tracks')
				.where('conversation_id', '=', t.conversationId)
				.where('user_id', '=', t.userId)
				.where('kind', '=', t.kind)
				.execute();
			await db.insertInto('conversation_tracks').values(row).execute();
		},
		async listForConversation(conversationId) {
			const rows = await db
				.selectFrom('conversation_tracks')
				.selectAll()
				.where('conversation_id', '=', conversationId)
				.orderBy('confirmed_at')
				.execute();
			return rows.map(toRecord);
		},
		async conversationsWithBothShareTracks() {
			const rows = await db
				.selectFrom('conversation_tracks')
				.select('conversation_id')
				.where('kind', '=', 'share')
				.groupBy('conversation_id')
				.having((eb) => eb.fn.count('user_id').distinct(), '>=', 2)
				.execute();
			return rows.map((r) => r.conversation_id);
		}
	};
}

function toRecord(row: Selectable<ConversationTracksTable>): TrackFile {
	return {
		id: row.id,
		conversationId: row.conversation_id,
		userId: row.user_id,
		trackId: row.track_id,
		kind: row.kind,
		uploadId: row.upload_id,
		filePath: row.file_path,
		sha256: row.sha256,
		bytes: row.bytes,
		codec: row.codec,
		durationMs: row.duration_ms,
		startedAtServerMs: row.started_at_server_ms,
		samplesPerSecond: row.samples_per_second,
		confirmedAt: row.confirmed_at
	};
}
