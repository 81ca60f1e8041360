import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase as KyselySqliteDatabase } from 'kysely';
import { createGroupCommit } from './group-commit.ts';
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

	const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
	const store: Store = {
		...createRepos(db),
		transaction: createGroupCommit(db, () => sqlite.inTransaction),
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

/**
 * Kysely prepares every query afresh; the same few dozen SQL strings repeat forever, so reuse the
 * compiled statements. Safe because better-sqlite3 runs one statement at a time on this connection.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): KyselySqliteDatabase {
	const cache = new Map<string, SqliteDatabase.Statement>();
	return {
		prepare(source: string) {
			let statement = cache.get(source);
			if (!statement) {
				statement = sqlite.prepare(source);
				if (cache.size < 500) cache.set(source, statement);
			}
			return statement;
		},
		close: () => sqlite.close()
	};
}
