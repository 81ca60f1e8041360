// `npx tsx bench/run-instances-signups.ts [--json]`: only `two_instances_vs_one_throughput` (issue #17),
// sign-ups through HAProxy with two instances over one PostgreSQL and Redis against one instance.
import type { Figure } from './figure';
import { instancesSignupThroughput } from './signup-instances';

const json = process.argv.includes('--json');
const log = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
const figures: Figure[] = await instancesSignupThroughput({ log });
if (json) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
else
	console.table(
		Object.fromEntries(
			figures.map((f) => [f.name, { value: f.value, unit: f.unit, goal: f.goal ?? '', error: f.error ?? '' }])
		)
	);
if (figures.some((f) => f.error)) process.exitCode = 1;
