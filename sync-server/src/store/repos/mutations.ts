import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { MutationRepo } from '../types.ts';

export function mutationRepo(db: Kysely<Database>): MutationRepo {
	return {
		async find(idHash) {
			const row = await db
				.selectFrom('mutations')
				.selectAll()
				.where('id_hash', '=', idHash)
				.executeTakeFirst();
			return (
				row && {
					idHash: row.id_hash,
					userId: row.user_id,
					type: row.type,
					payloadHash: row.payload_hash,
					resultJson: row.result_json,
					createdAt: row.created_at
				}
			);
		},
		async record({ idHash, userId, type, payloadHash, resultJson, now }) {
			await db
				.insertInto('mutations')
				.values({
					id_hash: idHash,
					user_id: userId,
					type,
					payload_hash: payloadHash,
					result_json: resultJson,
					created_at: now.toISOString()
				})
				.execute();
		}
	};
}
