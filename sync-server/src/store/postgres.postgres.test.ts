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

	it('appends the Yjs log so its ids grow in commit order, from two instances at once', async () => {
		const url = await emptyDatabase('yjs');
		const [one, two] = await Promise.all([open(url), open(url)]);
		const writers = [storePersistence(one), storePersistence(two)];
		// A reader polls while both write: once it has seen id n, no id below n may appear later.
		let writing = true;
		const violations: number[] = [];
		const reader = (async () => {
			let seen = new Set<number>();
			let max = 0;
			while (writing) {
				const ids = (await query<{ id: number }>(url, 'select id from yjs_updates')).map((r) => Number(r.id));
				for (const id of ids) if (!seen.has(id) && id < max) violations.push(id);
				seen = new Set(ids);
				max = Math.max(max, ...ids);
			}
		})();
		const acknowledged: number[] = [];
		for (let round = 0; round < 40; round++) {
			const ids = await Promise.all(
				writers.flatMap((w, i) =>
					[0, 1, 2].map((k) => w.append(`questions-${i}`, new Uint8Array([round, k])))
				)
			);
			acknowledged.push(...ids);
		}
		writing = false;
		await reader;
		expect(violations).toEqual([]);
		// Every acknowledged append is there, once, and each instance's document holds its own.
		const stored = await one.yjsDocs.load('questions-0');
		expect(stored.updates).toHaveLength(120);
		expect(new Set(acknowledged).size).toBe(240);
		for (const w of writers) await w.close?.();
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
