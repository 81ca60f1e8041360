import { randomBytes } from 'node:crypto';
import { dropRunDatabases, startTestPostgres } from './postgres.ts';

/**
 * vitest globalSetup of the server-pg project: one PostgreSQL and one migrated template per run,
 * handed to the workers through the environment they inherit; at the end, this run's databases go.
 */
export default async function setup() {
	const pg = await startTestPostgres();
	const run = randomBytes(4).toString('hex');
	process.env.TEST_POSTGRES_URL = pg.adminUrl;
	process.env.TEST_POSTGRES_TEMPLATE = pg.template;
	process.env.TEST_POSTGRES_RUN = run;
	return async () => {
		await dropRunDatabases(pg.adminUrl, run);
		await pg.stop();
	};
}
