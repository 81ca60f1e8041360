import { rmSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { tempDir } from '../../test/harness.ts';
import { openTestStore, removeTestStore } from '../../test/store.ts';

const dirs: string[] = [];
afterEach(async () => {
	for (const dir of dirs.splice(0)) {
		rmSync(dir, { recursive: true, force: true });
		await removeTestStore(dir);
	}
});

const person = (email: string) => ({
	role: 'participant' as const,
	email,
	firstName: 'Ana',
	lastName: 'Reyes',
	phone: null,
	language: 'en',
	partnerOrganizationId: null,
	now: new Date('2026-11-02T15:00:00Z')
});

it('creates a user unless the personal code is taken, and then writes nothing', async () => {
	const dataDir = tempDir('cg-users-');
	dirs.push(dataDir);
	const store = await openTestStore({ dataDir });
	try {
		const first = await store.users.createUnlessCodeTaken({
			...person('ana@example.org'),
			personalCodeHash: 'h1'
		});
		expect(first?.email).toBe('ana@example.org');
		const clash = await store.transaction((repos) =>
			repos.users.createUnlessCodeTaken({ ...person('ben@example.org'), personalCodeHash: 'h1' })
		);
		expect(clash).toBeUndefined();
		expect(await store.users.findByEmail('ben@example.org')).toBeUndefined();
		expect((await store.users.findByPersonalCodeHash('h1'))?.id).toBe(first?.id);
		const other = await store.users.createUnlessCodeTaken({
			...person('ben@example.org'),
			personalCodeHash: 'h2'
		});
		expect((await store.users.findByEmail('ben@example.org'))?.id).toBe(other?.id);
	} finally {
		await store.close();
	}
});
