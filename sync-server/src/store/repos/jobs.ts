import { sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import type { Database, JobsTable } from '../schema.ts';
import type { ClaimedJob, JobRecord, JobRepo } from '../types.ts';

/** How many due rows one claim looks at; it tries them in order until it wins one. */
const CANDIDATES = 5;

/** Waiting and due, or held by a runner whose lease has expired (it died or stalled). */
const due = (now: string) => (eb: ExpressionBuilder<Database, 'jobs'>) =>
	eb.or([
		eb.and([eb('state', '=', 'pending'), eb('run_at', '<=', now)]),
		eb.and([eb('state', '=', 'running'), eb('lease_expires_at', '<', now)])
	]);

export function jobRepo(db: Kysely<Database>): JobRepo {
	const held = (job: ClaimedJob, holder: string) =>
		db
			.updateTable('jobs')
			.where('kind', '=', job.kind)
			.where('key', '=', job.key)
			.where('state', '=', 'running')
			.where('lease_holder', '=', holder);
	const released = { lease_holder: null, lease_expires_at: null };

	return {
		async enqueue({ kind, key, now, runAt = now }) {
			const at = runAt.toISOString();
			// One statement, so two instances asking at once make one row (the key deduplicates).
			await db
				.insertInto('jobs')
				.values({
					kind,
					key,
					state: 'pending',
					run_at: at,
					created_at: now.toISOString(),
					updated_at: now.toISOString()
				})
				.onConflict((oc) =>
					oc.columns(['kind', 'key']).doUpdateSet({
						requested: sql<number>`jobs.requested + 1`,
						state: sql`case when jobs.state = 'running' then 'running' else 'pending' end`,
						run_at: sql<string>`case
							when jobs.state = 'running' then jobs.run_at
							when jobs.state = 'pending' and jobs.run_at < excluded.run_at then jobs.run_at
							else excluded.run_at end`,
						attempts: sql<number>`case when jobs.state = 'running' then jobs.attempts else 0 end`,
						updated_at: now.toISOString()
					})
				)
				.execute();
		},
		async schedule({ kind, key, now, runAt }) {
			await db
				.insertInto('jobs')
				.values({
					kind,
					key,
					state: 'pending',
					run_at: runAt.toISOString(),
					created_at: now.toISOString(),
					updated_at: now.toISOString()
				})
				.onConflict((oc) => oc.columns(['kind', 'key']).doNothing())
				.execute();
		},
		async claim({ kinds, holder, now, leaseUntil }) {
			const at = now.toISOString();
			const candidates = await db
				.selectFrom('jobs')
				.select(['kind', 'key'])
				.where('kind', 'in', kinds)
				.where(due(at))
				.orderBy('run_at')
				.limit(CANDIDATES)
				.execute();
			for (const { kind, key } of candidates) {
				// The WHERE re-checks that the job is still free: another instance may have won it
				// since the SELECT. PostgreSQL re-evaluates it on the row version it waited for.
				const won = await db
					.updateTable('jobs')
					.set((eb) => ({
						state: 'running',
						lease_holder: holder,
						lease_expires_at: leaseUntil.toISOString(),
						attempts: eb('attempts', '+', 1),
						updated_at: at
					}))
					.where('kind', '=', kind)
					.where('key', '=', key)
					.where(due(at))
					.returning(['kind', 'key', 'attempts', 'requested'])
					.executeTakeFirst();
				if (won) return won;
			}
			return undefined;
		},
		async renew({ job, holder, now, leaseUntil }) {
			const result = await held(job, holder)
				.set({ lease_expires_at: leaseUntil.toISOString(), updated_at: now.toISOString() })
				.executeTakeFirst();
			return result.numUpdatedRows > 0n;
		},
		async finish({ job, holder, now, next }) {
			const at = now.toISOString();
			const ended = await held(job, holder)
				.where('requested', '=', job.requested)
				.set({
					...released,
					state: next ? 'pending' : 'done',
					run_at: next ? next.toISOString() : at,
					attempts: 0,
					last_error: null,
					updated_at: at
				})
				.executeTakeFirst();
			if (ended.numUpdatedRows > 0n) return true;
			// Asked for again while it ran: what it read may be older than the request, so once more.
			const again = await held(job, holder)
				.set({ ...released, state: 'pending', run_at: at, attempts: 0, last_error: null, updated_at: at })
				.executeTakeFirst();
			return again.numUpdatedRows > 0n;
		},
		async fail({ job, holder, now, error, retryAt }) {
			const at = now.toISOString();
			const lastError = error.slice(0, 2000);
			if (retryAt) {
				const retry = await held(job, holder)
					.set({
						...released,
						state: 'pending',
						run_at: retryAt.toISOString(),
						last_error: lastError,
						updated_at: at
					})
					.executeTakeFirst();
				return retry.numUpdatedRows > 0n;
			}
			const given = await held(job, holder)
				.where('requested', '=', job.requested)
				.set({ ...released, state: 'failed', last_error: lastError, updated_at: at })
				.executeTakeFirst();
			if (given.numUpdatedRows > 0n) return true;
			// Asked for again while its last attempt ran: the request gets attempts of its own.
			const again = await held(job, holder)
				.set({
					...released,
					state: 'pending',
					run_at: at,
					attempts: 0,
					last_error: lastError,
					updated_at: at
				})
				.executeTakeFirst();
			return again.numUpdatedRows > 0n;
		},
		async find(kind, key) {
			const row = await db
				.selectFrom('jobs')
				.selectAll()
				.where('kind', '=', kind)
				.where('key', '=', key)
				.executeTakeFirst();
			return row && toRecord(row);
		}
	};
}

function toRecord(row: Selectable<JobsTable>): JobRecord {
	return {
		kind: row.kind,
		key: row.key,
		state: row.state,
		runAt: row.run_at,
		attempts: row.attempts,
		requested: row.requested,
		leaseHolder: row.lease_holder,
		leaseExpiresAt: row.lease_expires_at,
		lastError: row.last_error
	};
}
