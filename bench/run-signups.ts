// `npx tsx bench/run-signups.ts [--json]`: only the sign-up throughput, on SQLite and then on PostgreSQL in the
// same run (issue #17: `signup_submissions_per_s_postgres` beside the SQLite row).
import type { Figure } from './figure';
import { startBenchServer } from './server';
import { postgresSignupThroughput } from './signup-postgres';
import { signupThroughput } from './signup-throughput';

const server = await startBenchServer();
const figures: Figure[] = [];
try {
	figures.push(
		...(await signupThroughput({
			url: server.url,
			communityId: await server.communityId(),
			cpuSeconds: server.cpuSeconds
		}))
	);
} finally {
	await server.stop();
}
figures.push(...(await postgresSignupThroughput()));
if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
else
	console.table(
		Object.fromEntries(
			figures.map((f) => [f.name, { value: f.value, unit: f.unit, goal: f.goal ?? '', error: f.error ?? '' }])
		)
	);
if (figures.some((f) => f.error)) process.exitCode = 1;
