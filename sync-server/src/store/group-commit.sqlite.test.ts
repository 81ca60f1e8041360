import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { tempDir } from '../test/harness.ts';
import { createGroupCommit } from './group-commit.ts';
import { openStore } from './sqlite.ts';
import type { Store } from './types.ts';

let store: Store;
let dataDir: string;
beforeEach(async () => {
	dataDir = tempDir('cg-group-');
	store = await openStore({ dataDir });
});
afterEach(async () => {
	await store.close();
	rmSync(dataDir, { recursive: true, force: true });
});

const community = (name: string) => (repos: Parameters<Parameters<Store['transaction']>[0]>[0]) =>
	repos.communities.create({ name, timeZone: 'UTC', now: new Date() });

describe('group commit', () => {
	it('isolates a failing transaction from the others committed with it', async () => {
		const results = await Promise.allSettled(
			Array.from({ length: 20 }, (_, i) =>
				store.transaction(async (repos) => {
					const created = await community(`Town ${i}`)(repos);
					if (i === 7) throw new Error('town 7 is invalid');
					return created.name;
				})
			)
		);
		expect(results[7]).toMatchObject({ status: 'rejected', reason: new Error('town 7 is invalid') });
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(19);
		const names = (await store.communities.list()).map((c) => c.name);
		expect(names).toHaveLength(19);
		expect(names).not.toContain('Town 7');
	});

	it('lets a later transaction in the same batch see an earlier one, as in serial order', async () => {
		const [, seen] = await Promise.all([
			store.transaction(community('Bessemer')),
			store.transaction(async (repos) => (await repos.communities.findByName('Bessemer'))?.name)
		]);
		expect(seen).toBe('Bessemer');
	});

	it('commits what was queued before close(), then refuses new work', async () => {
		const queued = store.transaction(community('Gardendale'));
		await store.close();
		await expect(queued).resolves.toMatchObject({ name: 'Gardendale' });
		await expect(store.transaction(community('Late'))).rejects.toThrow(/closed/);
		store = await openStore({ dataDir });
		expect((await store.communities.list()).map((c) => c.name)).toEqual(['Gardendale']);
	});

	it('resolves only after the data is committed and visible to a fresh connection', async () => {
		await store.transaction(community('Hoover'));
		const other = await openStore({ dataDir });
		expect((await other.communities.list()).map((c) => c.name)).toEqual(['Hoover']);
		await other.close();
	});
});

describe('group commit when COMMIT itself fails', () => {
	it('rejects every transaction of the batch, so none is acknowledged', async () => {
		// A deferred foreign key is checked only at COMMIT: the one way a batch can fail after every
		// savepoint succeeded. (Our schema's keys are immediate, so this isolates per transaction.)
		const sqlite = new Database(':memory:');
		sqlite.pragma('foreign_keys = ON');
		const db = new Kysely<TestDb>({ dialect: new SqliteDialect({ database: sqlite }) });
		await sql`create table parent (id integer primary key)`.execute(db);
		await sql`create table child (id integer primary key, parent_id integer references parent(id) deferrable initially deferred)`.execute(
			db
		);
		const commits = createGroupCommit(db, {
			context: (conn) => conn,
			inTransaction: () => sqlite.inTransaction
		});

		const results = await Promise.allSettled([
			commits.transaction((conn) => conn.insertInto('parent').values({ id: 1 }).execute()),
			commits.transaction((conn) => conn.insertInto('child').values({ id: 1, parent_id: 99 }).execute())
		]);
		expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
		expect(await db.selectFrom('parent').selectAll().execute()).toEqual([]);

		await commits.transaction((conn) => conn.insertInto('parent').values({ id: 2 }).execute());
		expect(await db.selectFrom('parent').selectAll().execute()).toEqual([{ id: 2 }]);
		await db.destroy();
	});
});

interface TestDb {
	parent: { id: number };
	child: { id: number; parent_id: number };
}
