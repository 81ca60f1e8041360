import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { migrations } from './migrations/index.ts';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { signupMutation } from '../test/factories.ts';
import { createTestApp, tempDir, type TestApp } from '../test/harness.ts';
import { ensureDefaultCommunity } from './default-community.ts';
import { SQLITE_FILE, openStore } from './sqlite.ts';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function newDataDir() {
	const dir = tempDir('cg-store-');
	dirs.push(dir);
	return dir;
}

describe('openStore', () => {
	it('runs migrations once; running them again (and reopening) changes nothing', async () => {
		const dataDir = newDataDir();
		const store = await openStore({ dataDir });
		const now = new Date();
		await ensureDefaultCommunity(store, { name: 'Birmingham, AL', timeZone: 'America/Chicago', now });
		expect(await store.migrate()).toEqual([]);
		await store.close();

		const reopened = await openStore({ dataDir });
		expect(await reopened.migrate()).toEqual([]);
		await ensureDefaultCommunity(reopened, { name: 'Somewhere else', timeZone: 'UTC', now });
		expect((await reopened.communities.list()).map((c) => c.name)).toEqual(['Birmingham, AL']);
		await reopened.close();

		const db = new Database(join(dataDir, SQLITE_FILE), { readonly: true });
		const applied = db.prepare('select name from kysely_migration order by name').all();
		db.close();
		expect(applied).toEqual(Object.keys(migrations).map((name) => ({ name })));
	});

	it('uses WAL and enforces foreign keys', async () => {
		const dataDir = newDataDir();
		const store = await openStore({ dataDir });
		await store.close();
		const db = new Database(join(dataDir, SQLITE_FILE));
		expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
		db.close();
		// foreign_keys is per connection: check it on the store's own connection.
		const again = await openStore({ dataDir });
		await expect(
			again.transaction(async (repos) => {
				await repos.participants.create({
					userId: 'no-such-user',
					communityId: 'no-such-community',
					partnerOrganizationId: null,
					answersJson: '{}',
					agreementVersion: 'x',
					autobiography: 'x',
					now: new Date()
				});
			})
		).rejects.toThrow(/FOREIGN KEY/);
		await again.close();
	});

	it('rolls back everything a failed transaction wrote', async () => {
		const store = await openStore({ dataDir: newDataDir() });
		await expect(
			store.transaction(async (repos) => {
				await repos.communities.create({ name: 'Half-written', timeZone: 'UTC', now: new Date() });
				throw new Error('boom');
			})
		).rejects.toThrow('boom');
		expect(await store.communities.list()).toEqual([]);
		await store.close();
	});
});

describe('secrets at rest', () => {
	let t: TestApp;
	afterEach(() => t.close());

	it('stores only hashes of sign-in tokens, session ids and personal codes', async () => {
		t = await createTestApp();
		const res = await t.request('/api/mutations', { body: signupMutation({ communityId: t.community.id }) });
		const { result } = (await res.json()) as { result: { personalCode: string } };
		const sessionId = /cg_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';
		const [mail] = await t.store.mail.list({ limit: 1 });
		const token = /token=([\w-]+)/.exec(mail?.text ?? '')?.[1] ?? '';
		expect(sessionId.length).toBeGreaterThan(20);
		expect(token.length).toBeGreaterThan(20);

		const db = new Database(join(t.dataDir, SQLITE_FILE), { readonly: true });
		const dump = ['users', 'participants', 'sessions', 'sign_in_tokens', 'mutations']
			.map((table) => JSON.stringify(db.prepare(`select * from ${table}`).all()))
			.join('\n');
		db.close();
		for (const secret of [sessionId, token, result.personalCode, result.personalCode.replace('-', '')]) {
			expect(dump).not.toContain(secret);
		}
	});
});
