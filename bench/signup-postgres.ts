import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { databaseUrl, startTestPostgres } from '../sync-server/src/test/postgres';
import { testSealingKey } from '../sync-server/src/test/sealing-key';
import { startAppServer } from '../tests/e2e/server';
import type { Figure } from './figure';
import { signupThroughput } from './signup-throughput';

export type BenchPostgres = {
	/** A fresh, migrated database; every commit on it waits for the WAL flush, as in production. */
	createDatabase(): Promise<string>;
	/** Drops the databases made here, then lets go of the server. */
	stop(): Promise<void>;
};

/**
 * A PostgreSQL the bench starts as the tests do (Debian's cluster as root, a throwaway one
 * otherwise). The tests' role skips waiting for the WAL flush; the bench's URLs ask for it.
 */
export async function startBenchPostgres(): Promise<BenchPostgres> {
	const server = await startTestPostgres();
	const admin = new pg.Client({ connectionString: server.adminUrl });
	await admin.connect();
	const made: string[] = [];
	return {
		async createDatabase() {
			const name = `cg_bench_${randomBytes(4).toString('hex')}`;
			await admin.query(`create database "${name}" template "${server.template}"`);
			made.push(name);
			const url = new URL(databaseUrl(server.adminUrl, name));
			url.searchParams.set('options', '-c synchronous_commit=on');
			return url.toString();
		},
		async stop() {
			try {
				for (const name of made) await admin.query(`drop database if exists "${name}" with (force)`);
			} finally {
				await admin.end();
				await server.stop();
			}
		}
	};
}

/** What a server needs beside DATABASE_URL: the one kiosk key every instance shares (issue #17). */
export async function postgresServerEnv(databaseUrl: string): Promise<Record<string, string>> {
	return { DATABASE_URL: databaseUrl, KIOSK_SEALING_KEY: await testSealingKey() };
}

/** Issue #17: the sign-up figure again with DATABASE_URL, in a fresh database. */
export async function postgresSignupThroughput(): Promise<Figure[]> {
	const postgres = await startBenchPostgres();
	try {
		const app = await startAppServer({
			staticDir: 'build',
			env: await postgresServerEnv(await postgres.createDatabase())
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
		await postgres.stop();
	}
}
