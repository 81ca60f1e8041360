import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { AuthRepo } from '../types.ts';

export function authRepo(db: Kysely<Database>): AuthRepo {
	return {
		async createSignInToken({ tokenHash, userId, expiresAt, now }) {
			await db
				.insertInto('sign_in_tokens')
				.values({
					token_hash: tokenHash,
					user_id: userId,
					expires_at: expiresAt.toISOString(),
					used_at: null,
					created_at: now.toISOString()
				})
				.execute();
		},
		async consumeSignInToken(tokenHash, now) {
			const at = now.toISOString();
			const consumed = await db
				.updateTable('sign_in_tokens')
				.set({ used_at: at })
				.where('token_hash', '=', tokenHash)
				.where('used_at', 'is', null)
				.where('expires_at', '>', at)
				.returning('user_id')
				.executeTakeFirst();
			if (consumed) return { ok: true, userId: consumed.user_id };
			const token = await db
				.selectFrom('sign_in_tokens')
				.select(['used_at'])
				.where('token_hash', '=', tokenHash)
				.executeTakeFirst();
			if (!token) return { ok: false, reason: 'invalid' };
			return { ok: false, reason: token.used_at ? 'used' : 'expired' };
		},
		async createSession({ idHash, userId, expiresAt, now }) {
			await db
				.insertInto('sessions')
				.values({
					id_hash: idHash,
					user_id: userId,
					created_at: now.toISOString(),
					expires_at: expiresAt.toISOString()
				})
				.execute();
		},
		async findSessionUser(idHash, now) {
			const row = await db
				.selectFrom('sessions')
				.innerJoin('users', 'users.id', 'sessions.user_id')
				.select(['users.id', 'users.role', 'users.first_name'])
				.where('sessions.id_hash', '=', idHash)
				.where('sessions.expires_at', '>', now.toISOString())
				.executeTakeFirst();
			return row && { userId: row.id, role: row.role, firstName: row.first_name };
		},
		async deleteSession(idHash) {
			await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
		},
		async deleteExpired(now) {
			const at = now.toISOString();
			await db.deleteFrom('sessions').where('expires_at', '<=', at).execute();
			await db.deleteFrom('sign_in_tokens').where('expires_at', '<=', at).execute();
		}
	};
}
