import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.ts';
import { createEmptyDatabase } from '../test/postgres.ts';
import { storePersistence } from '../yjs/persistence.ts';
import { migrationsFor } from './migrations/index.ts';
import { openPostgresStore, redactUrl } from './postgres.ts';
import type { Store } from './types.ts';

/** Issue #17: PostgreSQL as the store, beyond what every server test checks on it already. */
const cleanup: (() => Promise<void>)[] = [];
// Closing a pool waits for its backends, which a loaded machine can make slow; a hang still fails.
afterEach(async () => {
	for (const undo of cleanup.splice(0).reverse()) await undo();
}, 60_000);

/** A database of its own; the run's teardown drops it (each DROP DATABASE forces a checkpoint). */
async function emptyDatabase(label: string) {
	return (await createEmptyDatabase(label)).url;
}

async function open(url: string): Promise<Store> {
	const store = await openPostgresStore({ url, log: silentLogger });
	cleanup.push(() => store.close());
	return store;
}

async function query<R extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []) {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return (await client.query<R>(text, values)).rows;
	} finally {
		await client.end();
	}
}

const person = (store: Store, firstName: string) =>
	store.users.create({
		role: 'participant',
		email: `${firstName.toLowerCase()}-${Math.random()}@example.org`,
		firstName,
		lastName: '',
		phone: null,
		language: 'en',
		partnerOrganizationId: null,
		personalCodeHash: null,
		now: new Date()
	});

describe('PostgreSQL store', () => {
	it('two instances starting at once on an empty database both open it, and the migrations run once', async () => {
		const url = await emptyDatabase('race');
		const [a, b] = await Promise.all([open(url), open(url)]);
		const applied = await query<{ name: string }>(url, 'select name from kysely_migration order by name');
		expect(applied.map((r) => r.name)).toEqual(Object.keys(migrationsFor('postgres')));
		// Both work on the same tables.
		const community = await a.communities.create({
			name: 'Tulsa, OK',
			timeZone: 'America/Chicago',
			now: new Date()
		});
		expect(await b.communities.findById(community.id)).toEqual(community);
	});

	it('runs as a role that is not a superuser and owns its database', async () => {
		const url = await emptyDatabase('role');
		await open(url);
		const [role] = await query<{ super: boolean; owner: string; me: string }>(
			url,
			`select r.rolsuper as super, pg_get_userbyid(d.datdba) as owner, current_user as me
			 from pg_roles r, pg_database d where r.rolname = current_user and d.datname = current_database()`
		);
		expect(role).toEqual({ super: false, owner: role?.me, me: role?.me });
	});

	it('gives ids and counts as numbers and bytes back as they went in', async () => {
		const store = await open(await emptyDatabase('types'));
		const id = await store.mail.enqueue(
			{ to: 'a@example.org', subject: 's', text: 't', html: null },
			new Date()
		);
		expect(typeof id).toBe('number');
		expect(await store.participants.count()).toBe(0);
		const update = new Uint8Array([0, 1, 2, 250, 255]);
		const [rowId] = await store.transaction((repos) =>
			repos.yjsDocs.append([{ docName: 'questions-x', update }], new Date())
		);
		const loaded = await store.yjsDocs.load('questions-x');
		expect(loaded.updates).toEqual([{ id: rowId, update }]);
	});

	it('keeps the one-writer guarantee: two read-then-write transactions at once never lose an update', async () => {
		const url = await emptyDatabase('serial');
		const [one, two] = await Promise.all([open(url), open(url)]);
		const community = await one.communities.create({ name: 'Tulsa, OK', timeZone: 'UTC', now: new Date() });
		// Both read before either writes (only on their first run): under READ COMMITTED the second
		// write would overwrite the first with a stale sum, as two partners accepting at once would.
		let arrived = 0;
		let bothRead: () => void = () => {};
		const barrier = new Promise<void>((resolve) => (bothRead = resolve));
		const addOne = (store: Store) =>
			store.transaction(async (repos) => {
				const read = (await repos.communities.findById(community.id))!.conversationMinutes;
				if (++arrived <= 2) {
					if (arrived === 2) bothRead();
					await barrier;
				}
				await repos.communities.update(community.id, { conversationMinutes: read + 1 });
			});
		await Promise.all([addOne(one), addOne(two)]);
		expect((await one.communities.findById(community.id))?.conversationMinutes).toBe(42);
		expect(arrived).toBeGreaterThan(2); // one of them ran again
	});

	it('a key another transaction inserted meanwhile makes the transaction run again and see it', async () => {
		const store = await open(await emptyDatabase('unique'));
		// Each names a community after how many it counts: two counting the same number would break
		// the unique name. Eight at once: each repeat follows another's commit, within 10 attempts.
		const names = await Promise.all(
			Array.from({ length: 8 }, () =>
				store.transaction(async (repos) => {
					const n = (await repos.communities.list()).length;
					await repos.communities.create({ name: `c-${n}`, timeZone: 'UTC', now: new Date() });
					return n;
				})
			)
		);
		expect(names.sort((x, y) => x - y)).toEqual(Array.from({ length: 8 }, (_, i) => i));
	});

	it('a sign-in link used on one instance cannot be used again on another, even at the same moment', async () => {
		const url = await emptyDatabase('token');
		const [one, two] = await Promise.all([open(url), open(url)]);
		const user = await person(one, 'Ana');
		const tokenHash = createHash('sha256').update('the-link').digest('hex');
		const now = new Date();
		await one.auth.createSignInToken({
			tokenHash,
			userId: user.id,
			expiresAt: new Date(now.getTime() + 60_000),
			now
		});
		const results = await Promise.all(
			[one, two, one, two].map((store) =>
				store.transaction((repos) => repos.auth.consumeSignInToken(tokenHash, now))
			)
		);
		expect(results.filter((r) => r.ok)).toEqual([{ ok: true, userId: user.id }]);
		expect(results.filter((r) => !r.ok)).toEqual(Array(3).fill({ ok: false, reason: 'used' }));
	});

	it("appends each document's Yjs log so its ids grow in commit order, from two instances at once", async () => {
		const url = await emptyDatabase('yjs');
		const [one, two] = await Promise.all([open(url), open(url)]);
		const writers = [storePersistence(one), storePersistence(two)];
		// A reader polls while both write: once it has seen a document's id n, no id of that
		// document below n may appear later (a compaction through n would leave it behind).
		let writing = true;
		const violations: { doc: string; id: number }[] = [];
		const reader = (async () => {
			const seen = new Map<string, Set<number>>();
			const max = new Map<string, number>();
			while (writing) {
				const rows = await query<{ doc_name: string; id: number }>(
					url,
					'select doc_name, id from yjs_updates'
				);
				for (const { doc_name: doc, id: raw } of rows) {
					const id = Number(raw);
					if (!seen.get(doc)?.has(id) && id < (max.get(doc) ?? 0)) violations.push({ doc, id });
				}
				for (const { doc_name: doc, id } of rows) {
					seen.set(doc, (seen.get(doc) ?? new Set()).add(Number(id)));
					max.set(doc, Math.max(max.get(doc) ?? 0, Number(id)));
				}
			}
		})();
		const acknowledged: number[] = [];
		for (let round = 0; round < 40; round++) {
			const ids = await Promise.all(
				writers.flatMap((w, i) =>
					// Both instances write the shared document, and each its own.
					['questions-shared', `questions-${i}`].flatMap((doc) =>
						[0, 1].map((k) => w.append(doc, new Uint8Array([round, i, k])))
					)
				)
			);
			acknowledged.push(...ids);
		}
		writing = false;
		await reader;
		expect(violations).toEqual([]);
		// Every acknowledged append is there, once.
		expect((await one.yjsDocs.load('questions-shared')).updates).toHaveLength(160);
		expect((await two.yjsDocs.load('questions-0')).updates).toHaveLength(80);
		expect(new Set(acknowledged).size).toBe(320);
		for (const w of writers) await w.close?.();
	});

	it("an append waits only for another instance's append to the same document, not to others", async () => {
		const url = await emptyDatabase('yjs-locks');
		const [one, two] = await Promise.all([open(url), open(url)]);
		const update = (n: number) => [{ docName: 'questions-a', update: new Uint8Array([n]) }];
		// Instance one appends to document a and holds its transaction open.
		let commit!: () => void;
		const held = new Promise<void>((resolve) => (commit = resolve));
		let appended!: () => void;
		const inside = new Promise<void>((resolve) => (appended = resolve));
		const first = one.transaction(async (repos) => {
			await repos.yjsDocs.append(update(1), new Date());
			appended();
			await held;
		});
		await inside;
		// Another document goes straight through.
		const [other] = await two.transaction((repos) =>
			repos.yjsDocs.append([{ docName: 'questions-b', update: new Uint8Array([9]) }], new Date())
		);
		expect(other).toBeGreaterThan(0);
		// The same document waits on the advisory lock until the first commits.
		let secondDone = false;
		const second = two
			.transaction((repos) => repos.yjsDocs.append(update(2), new Date()))
			.then((ids) => ((secondDone = true), ids));
		let waiting = 0;
		while (waiting === 0) {
			const rows = await query<{ n: string }>(
				url,
				"select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and wait_event = 'advisory'"
			);
			waiting = Number(rows[0]!.n);
		}
		expect(secondDone).toBe(false);
		commit();
		await first;
		const [secondId] = await second;
		const stored = await one.yjsDocs.load('questions-a');
		expect(stored.updates.map((u) => u.update[0])).toEqual([1, 2]);
		expect(stored.updates[1]!.id).toBe(secondId);
	});

	it('says which database it could not open, without its password', async () => {
		const url = 'postgres://cg:hunter2@127.0.0.1:1/nowhere';
		const failure = await openPostgresStore({ url, log: silentLogger }).then(
			() => new Error('opened'),
			(error: unknown) => error as Error
		);
		expect(failure.message).toContain('postgres://cg:***@127.0.0.1:1/nowhere');
		expect(failure.message).toContain('Check DATABASE_URL');
		expect(failure.message).not.toContain('hunter2');
		expect(redactUrl('postgresql://u@h/db')).toBe('postgresql://u@h/db');
	});
});
