import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { Questionnaire } from '../../../src/lib/contracts/questionnaire.ts';
import { loadEnv } from '../env.ts';
import { tempDir } from '../test/harness.ts';
import { openTestStore, removeTestStore, testStoreEnv } from '../test/store.ts';
import { runAdmin } from './admin.ts';
import { demoStart, seedDemo } from './demo.ts';
import { DEMO_PARTICIPANT_COUNT, demoAnswers } from './demo-data.ts';

const dirs: string[] = [];
afterEach(async () => {
	for (const dir of dirs.splice(0)) {
		rmSync(dir, { recursive: true, force: true });
		await removeTestStore(dir);
	}
});
async function testEnv(source: Record<string, string> = { PUBLIC_URL: 'https://talk.example.org' }) {
	const dir = tempDir('cg-cli-');
	dirs.push(dir);
	return loadEnv({ DATA_DIR: dir, ...(await testStoreEnv(dir)), ...source });
}

function capture() {
	const out: string[] = [];
	const err: string[] = [];
	return { out, err, io: { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) } };
}

describe('npm run demo', () => {
	it('seeds once: a second run adds nothing and hands out fresh links', async () => {
		const env = await testEnv();
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

		const store = await openTestStore({ dataDir: env.dataDir });
		expect(await store.participants.count()).toBe(DEMO_PARTICIPANT_COUNT);
		expect((await store.communities.list()).map((c) => c.name)).toEqual(['Birmingham, AL']);
		await store.close();
	});

	it('takes PORT like npm start: without PUBLIC_URL its links point at that port (issue #14)', async () => {
		const report = await seedDemo({ env: await testEnv({ PORT: '9123' }) });
		expect(report.baseUrl).toBe('http://localhost:9123');
		expect(report.coordinator.signInUrl).toMatch(/^http:\/\/localhost:9123\/signin\?token=/);
		expect(report.partnerOrganizations[0]?.inviteUrl).toBe('http://localhost:9123/join/SOUTHSIDE');
	});

	it('schedules the demo conversation for tomorrow at 18:00 in the community, not at 1:55 AM (issue #14)', async () => {
		// 07:55 UTC is 1:55 AM in Chicago (CST): the old "24 hours from now" put the conversation there.
		const now = new Date('2026-11-03T07:55:00.000Z');
		expect(demoStart(now, 'America/Chicago').toISOString()).toBe('2026-11-05T00:00:00.000Z');
		// Late in the evening, tomorrow is still the next local day (CST 23:30 is already 05:30 UTC).
		expect(demoStart(new Date('2026-11-04T05:30:00.000Z'), 'America/Chicago').toISOString()).toBe(
			'2026-11-05T00:00:00.000Z'
		);
		const env = await testEnv();
		const report = await seedDemo({ env, now });
		const store = await openTestStore({ dataDir: env.dataDir });
		const seeded = await store.conversations.findById(report.conversations[0]!.id);
		await store.close();
		expect(seeded?.scheduledStart).toBe('2026-11-05T00:00:00.000Z');
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
		expect(await runAdmin(argv, { env: await testEnv(), io })).toBe(2);
		expect(err.join('\n')).toMatch(/Usage: npm run admin -- create-coordinator EMAIL/);
	});

	it('creates a coordinator with a working sign-in link, and reuses them next time', async () => {
		const env = await testEnv();
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
		const env = await testEnv();
		await seedDemo({ env });
		const { err, io } = capture();
		expect(await runAdmin(['create-coordinator', demoAnswers(0, 'x').email], { env, io })).toBe(1);
		expect(err.join('\n')).toMatch(/participant account/);
	});
});
