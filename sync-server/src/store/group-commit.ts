import { sql, type Kysely } from 'kysely';

type Job<C> = {
	fn: (context: C) => Promise<unknown>;
	resolve: (value: unknown) => void;
	reject: (error: unknown) => void;
};
type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

const MAX_BATCH = 64;

export interface GroupCommit<C> {
	transaction<T>(fn: (context: C) => Promise<T>): Promise<T>;
	/** Stops taking transactions and resolves once those already queued are committed. */
	drain(): Promise<void>;
}

/**
 * Group commit: transactions that arrive while the event loop is busy run one after another inside
 * one SQLite transaction, each in its own savepoint, and are committed together with a single
 * fsync. Every caller still gets all-or-nothing for its own work, and no promise resolves before
 * the shared COMMIT is on disk, so "the server writes before it acknowledges" holds. Measured: one
 * fsync per sign-up capped the server at ~450 sign-ups/s; see OpenStoreOptions for the figure now.
 *
 * `context` turns the connection into what callers work with (the repositories).
 * `inTransaction` reports whether SQLite still has a transaction open after a failed COMMIT.
 */
export function createGroupCommit<DB, C>(
	db: Kysely<DB>,
	{ context, inTransaction }: { context: (conn: Kysely<DB>) => C; inTransaction: () => boolean }
): GroupCommit<C> {
	let queue: Job<C>[] = [];
	let running: Promise<void> | undefined;
	let closed = false;

	const runBatch = (batch: Job<C>[]) =>
		db.connection().execute(async (conn) => {
			const ctx = context(conn);
			const settled: Settled[] = [];
			try {
				// IMMEDIATE takes the write lock up front, so a read-then-write transaction cannot fail
				// half-way with SQLITE_BUSY when another process (the admin or demo CLI) writes too.
				await sql`begin immediate`.execute(conn);
				for (const job of batch) {
					await sql`savepoint job`.execute(conn);
					try {
						settled.push({ ok: true, value: await job.fn(ctx) });
						await sql`release job`.execute(conn);
					} catch (error) {
						await sql`rollback to job`.execute(conn);
						await sql`release job`.execute(conn);
						settled.push({ ok: false, error });
					}
				}
				await sql`commit`.execute(conn);
			} catch (error) {
				if (inTransaction()) await sql`rollback`.execute(conn);
				for (const job of batch) job.reject(error);
				return;
			}
			batch.forEach((job, i) => {
				const result = settled[i];
				if (result?.ok) job.resolve(result.value);
				else job.reject(result?.error);
			});
		});

	const run = async () => {
		// Wait for the I/O callbacks already due, so requests that arrived together commit together.
		await new Promise((resolve) => setImmediate(resolve));
		while (queue.length > 0) {
			const batch = queue.slice(0, MAX_BATCH);
			queue = queue.slice(MAX_BATCH);
			await runBatch(batch).catch((error: unknown) => {
				for (const job of batch) job.reject(error);
			});
		}
	};

	const schedule = () => {
		if (running) return;
		running = run().finally(() => {
			running = undefined;
			// A job queued between the last batch and this callback would otherwise wait forever.
			if (queue.length > 0) schedule();
		});
	};

	return {
		transaction<T>(fn: (context: C) => Promise<T>): Promise<T> {
			if (closed) return Promise.reject(new Error('The store is closed.'));
			return new Promise<T>((resolve, reject) => {
				queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
				schedule();
			});
		},
		async drain() {
			closed = true;
			while (running) await running;
		}
	};
}
