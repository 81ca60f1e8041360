import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { migrateToLatest } from './migrations/index.ts';
import { createRepos } from './repos/index.ts';
import type { Database } from './schema.ts';
import type { Store } from './types.ts';

export const SQLITE_FILE = 'common-ground.sqlite';

export interface OpenStoreOptions {
	dataDir: string;
	/**
	 * FULL fsyncs the WAL on every commit, so an acknowledged write survives power loss, not only a
	 * process crash. Measured at ~2,000 sign-ups/s end to end on 2 cores (sync-server/src/bench/signups.ts).
	 */
	synchronous?: 'FULL' | 'NORMAL';
}

/** Opens (creating if needed) DATA_DIR/common-ground.sqlite and brings its schema up to date. */
export async function openStore({ dataDir, synchronous = 'FULL' }: OpenStoreOptions): Promise<Store> {
	mkdirSync(dataDir, { recursive: true });
	const sqlite = new SqliteDatabase(join(dataDir, SQLITE_FILE));
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma(`synchronous = ${synchronous}`);
	sqlite.pragma('foreign_keys = ON');
	// Lets the admin and demo CLIs write while the server runs.
	sqlite.pragma('busy_timeout = 5000');

	const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
	const store: Store = {
		...createRepos(db),
		transaction: (fn) =>
			db.connection().execute(async (conn) => {
				// IMMEDIATE takes the write lock up front, so a read-then-write transaction cannot fail
				// half-way with SQLITE_BUSY when another process (the CLI) writes at the same time.
				await sql`begin immediate`.execute(conn);
				try {
					const result = await fn(createRepos(conn));
					await sql`commit`.execute(conn);
					return result;
				} catch (error) {
					if (sqlite.inTransaction) await sql`rollback`.execute(conn);
					throw error;
				}
			}),
		migrate: () => migrateToLatest(db as Kysely<unknown>),
		close: () => db.destroy()
	};
	try {
		await store.migrate();
	} catch (error) {
		await db.destroy();
		throw error;
	}
	return store;
}
