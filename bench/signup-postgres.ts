import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { databaseUrl, startTestPostgres } from '../sync-server/src/test/postgres';
import { testSealingKey } from '../sync-server/src/test/sealing-key';
import { startAppServer } from '../tests/e2e/server';
import type { Figure } from './figure';
import { signupThroughput } from './signup-throughput';

/**
 * Issue #17: the sign-up figure again with DATABASE_URL, on a PostgreSQL the bench starts as the
 * tests do (Debian's cluster as root, a throwaway one otherwise), in a fresh database. The tests'
 * role skips waiting for the WAL flush; here every commit waits for it, as in production.
 */
export async function postgresSignupThroughput(): Promise<Figure[]> {
	const server = await startTestPostgres();
	const name = `cg_bench_${randomBytes(4).toString('hex')}`;
	const admin = new pg.Client({ connectionString: server.adminUrl });
	await admin.connect();
	try {
		await admin.query(`create database "${name}" template "${server.template}"`);
		const url = new URL(databaseUrl(server.adminUrl, name));
		url.searchParams.set('options', '-c synchronous_commit=on');
		const app = await startAppServer({
			staticDir: 'build',
			// With DATABASE_URL the server asks for the one kiosk key every instance shares (issue #17).
			env: { DATABASE_URL: url.toString(), KIOSK_SEALING_KEY: await testSealingKey() }
		});
		try {
			const communities = (await (await fetch(`${app.url}/api/communities`)).json()) as { id: string }[];
			if (!communities[0]) throw new Error('The PostgreSQL bench server has no community.');
			const figures = await signupThroughput({
				url: app.url,
				communityId: communities[0].id,
				cpuSeconds: () => app.cpuSeconds()
			});
			return figures
				.filter((f) => f.name === 'signup_submissions_per_s' || f.name === 'signup_p99_latency_ms')
				.map((f) => ({ ...f, name: f.name.replace(/^signup_(\w+?)(_ms)?$/, 'signup_$1_postgres$2') }));
		} finally {
			await app.stop();
		}
	} finally {
		await admin.query(`drop database if exists "${name}" with (force)`);
		await admin.end();
		await server.stop();
	}
}
