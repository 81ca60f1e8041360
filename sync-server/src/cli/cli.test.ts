import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { Questionnaire } from '../../../src/lib/contracts/questionnaire.ts';
import { loadEnv } from '../env.ts';
import { openStore } from '../store/sqlite.ts';
import { tempDir } from '../test/harness.ts';
import { runAdmin } from './admin.ts';
import { seedDemo } from './demo.ts';
import { DEMO_PARTICIPANT_COUNT, demoAnswers } from './demo-data.ts';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function testEnv() {
	const dir = tempDir('cg-cli-');
	dirs.push(dir);
	return loadEnv({ DATA_DIR: dir, PUBLIC_URL: 'https://talk.example.org' });
}

function capture() {
	const out: string[] = [];
	const err: string[] = [];
	return { out, err, io: { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) } };
}

describe('npm run demo', () => {
	it('seeds once: a second run adds nothing and hands out fresh links', async () => {
		const env = testEnv();
		const first = await seedDemo({ env });
		const second = await seedDemo({ env });

		expect(first.created).toBe(DEMO_PARTICIPANT_COUNT);
		expect(second.created).toBe(0);
		expect(second.participants.map((p) => p.id)).toEqual(first.participants.map((p) => p.id));
		expect(second.coordinator.signInUrl).not.toBe(first.coordinator.signInUrl);
		expect(first.baseUrl).toBe('https://talk.example.org');
		expect(first.partnerOrganizations.map((o) => o.inviteUrl)).toContain(
			'https://talk.example.org/join/SOUTHSIDE'
		);
		expect(first.participants[0]?.signInUrl).toMatch(
			/^https:\/\/talk\.example\.org\/signin\?token=[\w-]{43}$/
		);

		const store = await openStore({ dataDir: env.dataDir });
		expect(await store.participants.count()).toBe(DEMO_PARTICIPANT_COUNT);
		expect((await store.communities.list()).map((c) => c.name)).toEqual(['Birmingham, AL']);
		await store.close();
	});

	it('generates varied, valid answers, including Spanish speakers and every placement', () => {
		const all = Array.from({ length: DEMO_PARTICIPANT_COUNT }, (_, i) => demoAnswers(i, 'c1'));
		for (const answers of all) expect(v.is(Questionnaire, answers)).toBe(true);
		expect(new Set(all.map((a) => a.politicalPlacement))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7]));
		expect(all.filter((a) => a.languages.includes('es')).length).toBeGreaterThan(5);
		expect(new Set(all.map((a) => a.email)).size).toBe(all.length);
		expect(demoAnswers(7, 'c1')).toEqual(demoAnswers(7, 'c1'));
	});
});

describe('npm run admin', () => {
	it.each([
		[[]],
		[['create-coordinator']],
		[['make-tea', 'a@example.org']],
		[['create-coordinator', 'not-an-email']],
		[['create-coordinator', 'a@example.org', '--bogus']]
	])('exits 2 with usage for %j', async (argv) => {
		const { err, io } = capture();
		expect(await runAdmin(argv, { env: testEnv(), io })).toBe(2);
		expect(err.join('\n')).toMatch(/Usage: npm run admin -- create-coordinator EMAIL/);
	});

	it('creates a coordinator with a working sign-in link, and reuses them next time', async () => {
		const env = testEnv();
		const first = capture();
		expect(
			await runAdmin(['create-coordinator', 'Dana@Example.org', '--name', 'Dana'], { env, io: first.io })
		).toBe(0);
		expect(first.out.join('\n')).toMatch(
			/Created coordinator Dana <dana@example.org>[\s\S]*https:\/\/talk\.example\.org\/signin\?token=/
		);

		const second = capture();
		expect(await runAdmin(['create-coordinator', 'dana@example.org'], { env, io: second.io })).toBe(0);
		expect(second.out.join('\n')).toMatch(/Found coordinator Dana/);
	});

	it('refuses to turn a participant into a coordinator', async () => {
		const env = testEnv();
		await seedDemo({ env });
		const { err, io } = capture();
		expect(await runAdmin(['create-coordinator', demoAnswers(0, 'x').email], { env, io })).toBe(1);
		expect(err.join('\n')).toMatch(/participant account/);
	});
});
