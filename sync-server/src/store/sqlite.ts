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
	 * process crash; the sign-up bench (bench/signup-throughput.ts) measures it, and the README gives
	 * its figures with the machine's load. NORMAL is for tools only.
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
	// 64 MiB instead of 2 MiB: random keys (UUIDs, hashes) touch pages all over the indexes, and
	// re-reading them from the OS cost more than the fsync (measured 2.1 → 0.4 ms per sign-up).
	sqlite.pragma('cache_size = -65536');
	// Lets the admin and demo CLIs write while the server runs.
	sqlite.pragma('busy_timeout = 5000');

	const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
	const commits = createGroupCommit(db, {
		context: (conn) => createRepos(conn, 'sqlite'),
		inTransaction: () => sqlite.inTransaction
	});
	const store: Store = {
		engine: 'sqlite',
		...createRepos(db, 'sqlite'),
		transaction: (fn) => commits.transaction(fn),
		migrate: () => migrateToLatest(db as Kysely<unknown>, 'sqlite'),
		async close() {
			await commits.drain();
			await db.destroy();
		}
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
