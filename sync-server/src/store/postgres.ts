import { setTimeout as sleep } from 'node:timers/promises';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../log.ts';
import { migrateToLatest } from './migrations/index.ts';
import { createRepos } from './repos/index.ts';
import type { Database } from './schema.ts';
import type { Repos, Store } from './types.ts';

export interface OpenPostgresOptions {
	/** postgres://user:password@host:port/database (DATABASE_URL). */
	url: string;
	/** Connections this instance keeps open; PostgreSQL allows 100 in all by default. */
	poolSize?: number;
	log: Logger;
}

/**
 * SQLite runs one writer at a time (`begin immediate`), and the code was written against that:
 * read-then-write transactions (the mutation log, active matches, a kiosk's enrollment, a conversation
 * both partners accept at once) assume nobody writes in between. Here each runs REPEATABLE READ (one
 * snapshot for the whole transaction) and runs again when PostgreSQL refuses it: 40001 when a row it
 * updates was updated by another since its snapshot, 40P01 for a deadlock, 23505 when a key it checked
 * was free was inserted meanwhile (the repeat sees that row and takes the path SQLite would have). Every
 * such spot updates the same row or inserts a unique key, so this keeps the guarantee. SERIALIZABLE was
 * tried first: its predicate locks are per index page, so on a new program's small tables concurrent
 * sign-ups all conflicted, and 32 at once exhausted 10 attempts. Transaction bodies only touch the
 * database, so running one again is safe.
 */
const RETRIED_CODES = new Set(['40001', '40P01', '23505']);
const MAX_ATTEMPTS = 10;

/** Opens the PostgreSQL database at `url` and brings its schema up to date. */
export async function openPostgresStore({ url, poolSize = 10, log }: OpenPostgresOptions): Promise<Store> {
	const pool = new pg.Pool({
		connectionString: url,
		max: poolSize,
		// A database that is down fails a request after 10 s instead of leaving it waiting forever.
		connectionTimeoutMillis: 10_000,
		types: { getTypeParser: typeParser }
	});
	// An idle connection the server dropped (a restart, a failover) must not end the process; the
	// pool opens a new one for the next query.
	pool.on('error', (error) => log.error('a PostgreSQL connection was lost', { error }));
	const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });

	let closed = false;
	const running = new Set<Promise<unknown>>();
	const transaction = <T>(fn: (repos: Repos) => Promise<T>): Promise<T> => {
		if (closed) return Promise.reject(new Error('The store is closed.'));
		const run = withRetries(db, fn, log);
		running.add(run);
		void run.then(
			() => running.delete(run),
			() => running.delete(run)
		);
		return run;
	};

	const store: Store = {
		engine: 'postgres',
		...createRepos(db, 'postgres'),
		transaction,
		migrate: () => migrateToLatest(db as Kysely<unknown>, 'postgres'),
		async close() {
			closed = true;
			await Promise.allSettled(running);
			await db.destroy();
		}
	};
	try {
		await store.migrate();
	} catch (error) {
		await db.destroy();
		throw new Error(
			`Could not open the PostgreSQL database ${redactUrl(url)}: ${reason(error)}. ` +
				'Check DATABASE_URL, and that PostgreSQL is running and lets this role connect.',
			{ cause: error }
		);
	}
	return store;
}

async function withRetries<T>(db: Kysely<Database>, fn: (repos: Repos) => Promise<T>, log: Logger) {
	for (let attempt = 1; ; attempt++) {
		try {
			return await db
				.transaction()
				.setIsolationLevel('repeatable read')
				.execute((trx) => fn(createRepos(trx, 'postgres')));
		} catch (error) {
			const code = (error as { code?: unknown }).code;
			if (typeof code !== 'string' || !RETRIED_CODES.has(code)) throw error;
			if (attempt === MAX_ATTEMPTS) {
				log.error('a transaction was refused by PostgreSQL every time it ran, and given up', {
					attempts: attempt,
					code
				});
				throw error;
			}
			// Random, growing waits, so the transactions that collided do not collide again in step.
			await sleep(Math.random() * 2 ** Math.min(attempt, 7));
		}
	}
}

/**
 * pg returns int8 (bigint columns, count(*)) as strings to be safe beyond 2^53; our ids and counts
 * stay far below that, and the repositories expect numbers, as SQLite gives them.
 */
function typeParser(oid: number, format?: 'text' | 'binary') {
	if (oid === pg.types.builtins.INT8 && format !== 'binary') return parseInt8;
	return pg.types.getTypeParser(oid, format);
}

function parseInt8(text: string): number {
	const n = Number(text);
	if (!Number.isSafeInteger(n))
		throw new Error(`PostgreSQL returned ${text}, beyond a safe JavaScript integer`);
	return n;
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
	try {
		const u = new URL(url);
		if (u.password) u.password = '***';
		return u.toString();
	} catch {
		return '(an unreadable DATABASE_URL)';
	}
}

function reason(error: unknown): string {
	const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
	return cause instanceof Error ? cause.message : String(cause);
}
