import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { Database, MailOutboxTable } from '../schema.ts';
import type { MailAttachment, MailRepo, OutboxMessage } from '../types.ts';

const unclaimed = { claimed_by: null, claimed_until: null };

export function mailRepo(db: Kysely<Database>): MailRepo {
	return {
		async enqueue(message, now) {
			const row = await db
				.insertInto('mail_outbox')
				.values({
					to_address: message.to,
					subject: message.subject,
					text: message.text,
					html: message.html,
					created_at: now.toISOString(),
					send_after: message.sendAfter ?? null,
					cancel_key: message.cancelKey ?? null,
					attachments_json: message.attachments?.length ? JSON.stringify(message.attachments) : null
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			return row.id;
		},
		async claim({ limit, maxAttempts, now, holder, until }) {
			const at = now.toISOString();
			const claimable = (eb: ExpressionBuilder<Database, 'mail_outbox'>) =>
				eb.and([
					eb('sent_at', 'is', null),
					eb('attempts', '<', maxAttempts),
					eb.or([eb('send_after', 'is', null), eb('send_after', '<=', at)]),
					eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', at)])
				]);
			// The outer WHERE repeats the test: PostgreSQL re-checks it on a row another sender claimed
			// while this statement waited for it, and then skips that row (READ COMMITTED).
			const rows = await db
				.updateTable('mail_outbox')
				.set({ claimed_by: holder, claimed_until: until.toISOString() })
				.where('id', 'in', (eb) =>
					eb.selectFrom('mail_outbox').select('id').where(claimable).orderBy('id').limit(limit)
				)
				.where(claimable)
				.returningAll()
				.execute();
			return rows.map(toMessage).sort((a, b) => a.id - b.id);
		},
		async release(ids) {
			if (ids.length === 0) return;
			await db.updateTable('mail_outbox').set(unclaimed).where('id', 'in', ids).execute();
		},
		async markSent(ids, { now, redact }) {
			if (ids.length === 0) return;
			await db
				.updateTable('mail_outbox')
				.set({
					sent_at: now.toISOString(),
					error: null,
					...unclaimed,
					...(redact ? { text: '(sent; removed from the outbox)', html: null, attachments_json: null } : {})
				})
				.where('id', 'in', ids)
				.execute();
		},
		async markFailed(id, error, { redact } = { redact: false }) {
			await db
				.updateTable('mail_outbox')
				.set((eb) => ({
					error: error.slice(0, 500),
					attempts: eb('attempts', '+', 1),
					...unclaimed,
					...(redact
						? { text: '(not delivered; removed from the outbox)', html: null, attachments_json: null }
						: {})
				}))
				.where('id', '=', id)
				.execute();
		},
		async list({ limit, to }) {
			let query = db.selectFrom('mail_outbox').selectAll().orderBy('id', 'desc').limit(limit);
			if (to) query = query.where('to_address', '=', to.trim().toLowerCase());
			return (await query.execute()).map(toMessage);
		},
		async cancel(cancelKey) {
			const result = await db
				.deleteFrom('mail_outbox')
				.where('cancel_key', '=', cancelKey)
				.where('sent_at', 'is', null)
				.executeTakeFirst();
			return Number(result.numDeletedRows);
		}
	};
}

function toMessage(row: Selectable<MailOutboxTable>): OutboxMessage {
	return {
		id: row.id,
		to: row.to_address,
		subject: row.subject,
		text: row.text,
		html: row.html,
		createdAt: row.created_at,
		sentAt: row.sent_at,
		error: row.error,
		attempts: row.attempts,
		sendAfter: row.send_after,
		attachments: row.attachments_json ? (JSON.parse(row.attachments_json) as MailAttachment[]) : []
	};
}
