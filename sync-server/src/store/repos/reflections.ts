import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { ReflectionRepo } from '../types.ts';

export function reflectionRepo(db: Kysely<Database>): ReflectionRepo {
	return {
		async save({ now, ...r }) {
			const values = {
				conversation_id: r.conversationId,
				user_id: r.userId,
				thermometer: r.thermometer,
				again: r.again,
				created_at: now.toISOString()
			};
			await db
				.insertInto('reflections')
				.values(values)
				.onConflict((oc) =>
					oc.columns(['conversation_id', 'user_id']).doUpdateSet({
						thermometer: values.thermometer,
						again: values.again,
						created_at: values.created_at
					})
				)
				.execute();
		},
		async find(conversationId, userId) {
			const row = await db
				.selectFrom('reflections')
				.selectAll()
				.where('conversation_id', '=', conversationId)
				.where('user_id', '=', userId)
				.executeTakeFirst();
			return (
				row && {
					conversationId: row.conversation_id,
					userId: row.user_id,
					thermometer: row.thermometer,
					again: row.again,
					createdAt: row.created_at
				}
			);
		},
		async listWithBaseline() {
			const rows = await db
				.selectFrom('reflections as r')
				.innerJoin('conversations as c', 'c.id', 'r.conversation_id')
				.leftJoin('participants as p', 'p.user_id', 'r.user_id')
				.select([
					'r.conversation_id',
					'r.user_id',
					'r.thermometer',
					'r.again',
					'r.created_at',
					'c.community_id',
					'p.answers_json',
					'p.partner_organization_id'
				])
				.execute();
			return rows.map((row) => ({
				conversationId: row.conversation_id,
				userId: row.user_id,
				thermometer: row.thermometer,
				again: row.again,
				createdAt: row.created_at,
				communityId: row.community_id,
				answersJson: row.answers_json,
				organizationId: row.partner_organization_id
			}));
		}
	};
}
