// `npx tsx bench/compare-signups.ts <revision or folder> [sqlite|postgres] [--after <revision>]`:
// sign-ups per second of an earlier tree's server against this checkout's (or --after's), in one
// run, taking turns (earlier, later, earlier, later…) so that whatever else the machine does at the
// time falls on both alike. A revision is `git archive`d outside the checkout and runs on this
// checkout's node_modules and build. Each server is new, on a new store, warmed up for 2 s before
// its measured 8 s. BENCH_ROUNDS (3) sets how many turns.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startAppServer } from '../tests/e2e/server';
import { postgresServerEnv, startBenchPostgres } from './signup-postgres';
import { sendSignups } from './signup-throughput';

const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: { after: { type: 'string' } }
});
const [revision, engine = 'sqlite'] = positionals;
if (!revision || !['sqlite', 'postgres'].includes(engine))
	throw new Error(
		'Usage: npx tsx bench/compare-signups.ts <revision or folder> [sqlite|postgres] [--after <revision>]'
	);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** A folder is run as it is (an experiment's copy); a revision is `git archive`d outside the checkout. */
function treeOf(given: string): { name: string; dir: string } {
	if (existsSync(join(given, 'sync-server'))) return { name: given, dir: resolve(given) };
	const commit = execFileSync('git', ['rev-parse', '--short', given], { encoding: 'utf8' }).trim();
	// Outside the checkout, so no lint, type check or test run of this tree ever finds its files.
	const dir = join(tmpdir(), `cg-tree-${commit}`);
	if (!existsSync(join(dir, 'sync-server'))) {
		mkdirSync(dir, { recursive: true });
		execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C "${dir}"`]);
		symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
		// Generated, so not in git: the messages as this checkout compiled them.
		cpSync(resolve('src/lib/paraglide'), join(dir, 'src/lib/paraglide'), { recursive: true });
	}
	return { name: commit, dir };
}
const before = treeOf(revision);
const after = values.after ? treeOf(values.after) : { name: 'this tree', dir: process.cwd() };

const postgres = engine === 'postgres' ? await startBenchPostgres() : undefined;
type Run = { tree: string; perSecond: number; perCpuSecond: number; p99: number };
const runs: Run[] = [];
try {
	for (let round = 0; round < ROUNDS; round++) {
		for (const { name: tree, dir: cwd } of [before, after]) {
			const env = postgres ? await postgresServerEnv(await postgres.createDatabase()) : {};
			const app = await startAppServer({ staticDir: resolve('build'), env, cwd });
			try {
				const communities = (await (await fetch(`${app.url}/api/communities`)).json()) as { id: string }[];
				if (!communities[0]) throw new Error('The bench server has no community.');
				await sendSignups({ url: app.url, communityId: communities[0].id, durationS: 2 });
				const cpuBefore = app.cpuSeconds();
				const result = await sendSignups({ url: app.url, communityId: communities[0].id });
				const cpu = app.cpuSeconds() - cpuBefore;
				const run = {
					tree,
					perSecond: Math.round(result.requests.average),
					perCpuSecond: Math.round(result.requests.total / cpu),
					p99: result.latency.p99
				};
				runs.push(run);
				console.log(
					`${engine} ${tree}: ${run.perSecond}/s, ${run.perCpuSecond} per server CPU-second, p99 ${run.p99} ms`
				);
			} finally {
				await app.stop();
				rmSync(app.dataDir, { recursive: true, force: true });
			}
		}
	}
} finally {
	await postgres?.stop();
}
const mean = (tree: string, key: 'perSecond' | 'perCpuSecond') => {
	const mine = runs.filter((r) => r.tree === tree);
	return mine.reduce((sum, r) => sum + r[key], 0) / mine.length;
};
for (const key of ['perSecond', 'perCpuSecond'] as const)
	console.log(
		`${engine} ${key}: ${before.name} ${Math.round(mean(before.name, key))}, ${after.name} ` +
			`${Math.round(mean(after.name, key))}, ratio ${(mean(after.name, key) / mean(before.name, key)).toFixed(2)}`
	);
