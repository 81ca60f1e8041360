import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { CommunitiesTable, Database } from '../schema.ts';
import type { CommunityRecord, CommunityRepo } from '../types.ts';

export function communityRepo(db: Kysely<Database>): CommunityRepo {
	return {
		async list() {
			const rows = await db.selectFrom('communities').selectAll().orderBy('name').execute();
			return rows.map(toRecord);
		},
		async findById(id) {
			const row = await db.selectFrom('communities').selectAll().where('id', '=', id).executeTakeFirst();
			return row && toRecord(row);
		},
		async findByName(name) {
			const row = await db.selectFrom('communities').selectAll().where('name', '=', name).executeTakeFirst();
			return row && toRecord(row);
		},
		async create({ name, timeZone, conversationMinutes = 40, matchingMode = 'optimal', now }) {
			const row = {
				id: randomUUID(),
				name,
				time_zone: timeZone,
				conversation_minutes: conversationMinutes,
				matching_mode: matchingMode,
				created_at: now.toISOString()
			};
			await db.insertInto('communities').values(row).execute();
			return toRecord(row);
		},
		async update(id, { name, timeZone, conversationMinutes, matchingMode }) {
			const set = {
				...(name !== undefined && { name }),
				...(timeZone !== undefined && { time_zone: timeZone }),
				...(conversationMinutes !== undefined && { conversation_minutes: conversationMinutes }),
				...(matchingMode !== undefined && { matching_mode: matchingMode })
			};
			if (Object.keys(set).length === 0) return;
			await db.updateTable('communities').set(set).where('id', '=', id).execute();
		}
	};
}

function toRecord(row: Selectable<CommunitiesTable>): CommunityRecord {
	return {
		id: row.id,
		name: row.name,
		timeZone: row.time_zone,
		conversationMinutes: row.conversation_minutes,
		matchingMode: row.matching_mode,
		createdAt: row.created_at
	};
}
