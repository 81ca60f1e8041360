import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { silentLogger } from '../log.ts';
import type { Engine } from '../store/migrations/dialect.ts';
import { openStoreFor } from '../store/open.ts';
import { SQLITE_FILE } from '../store/sqlite.ts';
import type { Store } from '../store/types.ts';
import { releaseTestDatabase, testDatabaseFor } from './postgres.ts';
import { testSealingKey } from './sealing-key.ts';

/** The engine the server tests run on: SQLite (project `server`) or PostgreSQL (`server-pg`, TEST_STORE=postgres). */
export const TEST_ENGINE: Engine = process.env.TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

/**
 * What a test app's environment needs to reach its store: for PostgreSQL, DATABASE_URL of the
 * DATA_DIR's own database (made on first use, so a restart over the same folder finds its data),
 * and the KIOSK_SEALING_KEY a server with DATABASE_URL requires; for SQLite nothing, since the file
 * lives in DATA_DIR.
 */
export async function testStoreEnv(
	dataDir: string
): Promise<{ DATABASE_URL?: string; KIOSK_SEALING_KEY?: string }> {
	if (TEST_ENGINE !== 'postgres') return {};
	return { DATABASE_URL: await testDatabaseFor(dataDir), KIOSK_SEALING_KEY: await testSealingKey() };
}

/** The store a server over `dataDir` would open, on the engine under test. */
export async function openTestStore({ dataDir }: { dataDir: string }): Promise<Store> {
	const { DATABASE_URL: databaseUrl } = await testStoreEnv(dataDir);
	return openStoreFor({ dataDir, databaseUrl }, { log: silentLogger });
}

/** The DATA_DIR's database goes with the folder (SQLite's file goes with the folder itself). */
export async function removeTestStore(dataDir: string): Promise<void> {
	if (TEST_ENGINE === 'postgres') await releaseTestDatabase(dataDir);
}

/**
 * Makes every insert into `table` fail as on a full disk, through a connection of its own, as if
 * the disk filled under the running server. Returns the undo.
 */
export async function fillTheDisk(dataDir: string, table: string): Promise<() => Promise<void>> {
	if (TEST_ENGINE === 'postgres') {
		const client = new pg.Client({ connectionString: await testDatabaseFor(dataDir) });
		await client.connect();
		await client.query(`
			create function cg_disk_full() returns trigger language plpgsql as $$
			begin raise exception 'database or disk is full' using errcode = 'disk_full'; end $$;
			create trigger disk_full before insert on ${table} for each row execute function cg_disk_full();`);
		return async () => {
			await client.query(`drop trigger disk_full on ${table}; drop function cg_disk_full();`);
			await client.end();
		};
	}
	const sqlite = new SqliteDatabase(join(dataDir, SQLITE_FILE));
	sqlite.exec(
		`CREATE TRIGGER disk_full BEFORE INSERT ON ${table} BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`
	);
	return async () => {
		sqlite.exec('DROP TRIGGER disk_full');
		sqlite.close();
	};
}

/** Rows of a plain SQL query, through a connection of its own, for tests that look under the repositories. */
export async function queryTestStore(dataDir: string, query: string): Promise<Record<string, unknown>[]> {
	if (TEST_ENGINE === 'postgres') {
		const client = new pg.Client({ connectionString: await testDatabaseFor(dataDir) });
		await client.connect();
		try {
			return (await client.query<Record<string, unknown>>(query)).rows;
		} finally {
			await client.end();
		}
	}
	const sqlite = new SqliteDatabase(join(dataDir, SQLITE_FILE), { readonly: true });
	try {
		return sqlite.prepare(query).all() as Record<string, unknown>[];
	} finally {
		sqlite.close();
	}
}
