import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { signupMutation } from '../test/factories.ts';
import { createTestApp, tempDir, type TestApp } from '../test/harness.ts';
import { openTestStore, queryTestStore, removeTestStore } from '../test/store.ts';
import { ensureDefaultCommunity } from './default-community.ts';
import { migrationsFor } from './migrations/index.ts';

const dirs: string[] = [];
afterEach(async () => {
	for (const dir of dirs.splice(0)) {
		rmSync(dir, { recursive: true, force: true });
		await removeTestStore(dir);
	}
});

function newDataDir() {
	const dir = tempDir('cg-store-');
	dirs.push(dir);
	return dir;
}

describe('opening the store', () => {
	it('runs migrations once; running them again (and reopening) changes nothing', async () => {
		const dataDir = newDataDir();
		const store = await openTestStore({ dataDir });
		const now = new Date();
		await ensureDefaultCommunity(store, { name: 'Birmingham, AL', timeZone: 'America/Chicago', now });
		expect(await store.migrate()).toEqual([]);
		await store.close();

		const reopened = await openTestStore({ dataDir });
		expect(await reopened.migrate()).toEqual([]);
		await ensureDefaultCommunity(reopened, { name: 'Somewhere else', timeZone: 'UTC', now });
		expect((await reopened.communities.list()).map((c) => c.name)).toEqual(['Birmingham, AL']);
		await reopened.close();

		const applied = await queryTestStore(dataDir, 'select name from kysely_migration order by name');
		expect(applied).toEqual(Object.keys(migrationsFor(store.engine)).map((name) => ({ name })));
	});

	it('enforces foreign keys', async () => {
		const store = await openTestStore({ dataDir: newDataDir() });
		await expect(
			store.transaction(async (repos) => {
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
		).rejects.toThrow(/FOREIGN KEY|foreign key/);
		await store.close();
	});

	it('rolls back everything a failed transaction wrote', async () => {
		const store = await openTestStore({ dataDir: newDataDir() });
		await expect(
			store.transaction(async (repos) => {
				await repos.communities.create({ name: 'Half-written', timeZone: 'UTC', now: new Date() });
				throw new Error('boom');
			})
		).rejects.toThrow('boom');
		expect(await store.communities.list()).toEqual([]);
		await store.close();
	});

	it('keeps consent answers in the order they arrived, even within one millisecond', async () => {
		const t = await createTestApp();
		try {
			const [a, b] = await Promise.all(
				['Ana', 'Ben'].map((firstName) =>
					t.store.users.create({
						role: 'participant',
						email: `${firstName.toLowerCase()}-${Math.random()}@example.org`,
						firstName,
						lastName: '',
						phone: null,
						language: 'en',
						partnerOrganizationId: null,
						personalCodeHash: null,
						now: new Date()
					})
				)
			);
			const conversation = await t.store.conversations.create({
				communityId: t.community.id,
				participantIds: [a!.id, b!.id],
				now: new Date()
			});
			const now = new Date('2026-11-02T15:00:00.000Z');
			// Ids are random, so only the arrival order can say which answer came last.
			const ids = ['zz', 'aa', 'mm'];
			for (const [i, id] of ids.entries()) {
				await t.store.consents.record({
					id,
					conversationId: conversation.id,
					userId: a!.id,
					kind: 'copy',
					answer: i % 2 === 0 ? 'yes' : 'no',
					textVersion: 'v1',
					language: 'en',
					archiveFields: null,
					decidedAt: now.toISOString(),
					now
				});
			}
			const listed = await t.store.consents.listForConversation(conversation.id);
			expect(listed.map((c) => c.id)).toEqual(ids);
		} finally {
			await t.close();
		}
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

		const tables = ['users', 'participants', 'sessions', 'sign_in_tokens', 'mutations'];
		const dump = (
			await Promise.all(tables.map((table) => queryTestStore(t.dataDir, `select * from ${table}`)))
		)
			.map((rows) => JSON.stringify(rows))
			.join('\n');
		expect(dump).toContain('participant'); // the rows are there, only the secrets are not
		for (const secret of [sessionId, token, result.personalCode, result.personalCode.replace('-', '')]) {
			expect(dump).not.toContain(secret);
		}
	});
});
