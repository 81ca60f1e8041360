import { sql, type Kysely, type Selectable } from 'kysely';
import type { Engine } from '../migrations/dialect.ts';
import type { ConsentsTable, Database } from '../schema.ts';
import type { ConsentRepo, StoredConsent } from '../types.ts';

export function consentRepo(db: Kysely<Database>, engine: Engine): ConsentRepo {
	// The order rows arrived in: SQLite's rowid, or the identity column PostgreSQL's migration adds.
	const arrival = sql.ref(engine === 'postgres' ? 'seq' : 'rowid');
	return {
		async record({ now, ...consent }) {
			const row: Selectable<ConsentsTable> = {
				id: consent.id,
				conversation_id: consent.conversationId,
				user_id: consent.userId,
				kind: consent.kind,
				answer: consent.answer,
				text_version: consent.textVersion,
				language: consent.language,
				archive_fields_json: consent.archiveFields ? JSON.stringify(consent.archiveFields) : null,
				decided_at: consent.decidedAt,
				recorded_at: now.toISOString()
			};
			await db.insertInto('consents').values(row).execute();
			return toRecord(row);
		},
		async listForConversation(conversationId) {
			const rows = await db
				.selectFrom('consents')
				.selectAll()
				.where('conversation_id', '=', conversationId)
				.orderBy('recorded_at')
				// Two answers in the same millisecond keep the order they arrived in: the ids are random,
				// so ordering by id made "the latest answer counts" a coin toss.
				.orderBy(arrival)
				.execute();
			return rows.map(toRecord);
		}
	};
}

function toRecord(row: Selectable<ConsentsTable>): StoredConsent {
	return {
		id: row.id,
		conversationId: row.conversation_id,
		userId: row.user_id,
		kind: row.kind,
		answer: row.answer,
		textVersion: row.text_version,
		language: row.language,
		archiveFields: row.archive_fields_json
			? (JSON.parse(row.archive_fields_json) as StoredConsent['archiveFields'])
			: null,
		decidedAt: row.decided_at,
		recordedAt: row.recorded_at
	};
}
