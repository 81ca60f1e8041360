import pg from 'pg';
import { startTestRedis, type TestRedis } from '../sync-server/src/test/redis';
import { startAppServer, type AppServer } from '../tests/e2e/server';
import { machineCpuSeconds, pidsOf, processCpuSeconds } from './cpu';
import type { Figure } from './figure';
import { startBenchHaproxy } from './haproxy';
import { postgresServerEnv, startBenchPostgres, type BenchPostgres } from './signup-postgres';
import { sendSignups } from './signup-throughput';
import { freePort } from '../sync-server/src/test/free-port.ts';

/** Where the CPU went during one measured run, in CPU-seconds. */
type CpuUse = {
	instances: number;
	postgres: number;
	haproxy: number;
	redis: number;
	loadGenerator: number;
	machineBusy: number;
	machineTotal: number;
};
type Measured = { instances: 1 | 2; perSecond: number; total: number; cpu: CpuUse };

/**
 * Issue #17's `two_instances_vs_one_throughput`: sign-ups per second through HAProxy
 * (deploy/haproxy.cfg as it is) with two instances over one PostgreSQL and one Redis, against one
 * instance behind the same proxy (its address given twice). Turns go 1, 2, 2, 1, each on a fresh
 * database, so drift in what else the machine does falls on both. The load, the proxy and the
 * engines share the machine with the instances: the CPU each took is logged beside the figure.
 */
export async function instancesSignupThroughput({ log }: { log: (line: string) => void }): Promise<Figure[]> {
	const [postgres, redis] = await Promise.all([startBenchPostgres(), startTestRedis()]);
	try {
		const runs: Measured[] = [];
		for (const instances of [1, 2, 2, 1] as const) {
			const run = await measure({ instances, postgres, redis });
			runs.push(run);
			log(
				`  ${instances} instance${instances === 2 ? 's' : ''}: ${run.perSecond} sign-ups/s; CPU-s ${describe(run.cpu)}`
			);
		}
		const mean = (n: 1 | 2) => {
			const mine = runs.filter((r) => r.instances === n);
			return mine.reduce((sum, r) => sum + r.perSecond, 0) / mine.length;
		};
		const of = (n: 1 | 2) => runs.filter((r) => r.instances === n);
		const busy = sum(of(2).map((r) => r.cpu.machineBusy)) / sum(of(2).map((r) => r.cpu.machineTotal));
		// What the instances did with the CPU they got, and how much of the machine they got.
		const perCpu = (n: 1 | 2) => sum(of(n).map((r) => r.total)) / sum(of(n).map((r) => r.cpu.instances));
		const share = (n: 1 | 2) =>
			sum(of(n).map((r) => r.cpu.instances)) / sum(of(n).map((r) => r.cpu.machineTotal));
		return [
			{ name: 'signup_submissions_per_s_one_instance_haproxy', value: Math.round(mean(1)), unit: 'req/s' },
			{ name: 'signup_submissions_per_s_two_instances_haproxy', value: Math.round(mean(2)), unit: 'req/s' },
			{
				name: 'two_instances_vs_one_throughput',
				value: Math.round((mean(2) / mean(1)) * 100) / 100,
				unit: 'ratio',
				goal: '≥ 1.6'
			},
			{
				name: 'signups_per_instance_cpu_second_one_instance',
				value: Math.round(perCpu(1)),
				unit: 'req/cpu-s'
			},
			{
				name: 'signups_per_instance_cpu_second_two_instances',
				value: Math.round(perCpu(2)),
				unit: 'req/cpu-s'
			},
			{ name: 'one_instance_machine_cpu_share_pct', value: Math.round(share(1) * 100), unit: '%' },
			{ name: 'two_instances_machine_cpu_share_pct', value: Math.round(share(2) * 100), unit: '%' },
			// How much of the machine (all its cores, every process) was busy during the two-instance runs.
			{ name: 'two_instances_machine_cpu_busy_pct', value: Math.round(busy * 100), unit: '%' }
		];
	} finally {
		await redis.stop();
		await postgres.stop();
	}
}

function describe(cpu: CpuUse): string {
	const others = cpu.machineBusy - cpu.instances - cpu.postgres - cpu.haproxy - cpu.redis - cpu.loadGenerator;
	const parts = {
		instances: cpu.instances,
		postgres: cpu.postgres,
		haproxy: cpu.haproxy,
		redis: cpu.redis,
		'load generator': cpu.loadGenerator,
		'everything else on the machine': Math.max(0, others)
	};
	return `${Object.entries(parts)
		.map(([k, v]) => `${k} ${v.toFixed(1)}`)
		.join(', ')} of ${cpu.machineTotal.toFixed(1)} available (${cpu.machineBusy.toFixed(1)} busy)`;
}

async function measure({
	instances,
	postgres,
	redis
}: {
	instances: 1 | 2;
	postgres: BenchPostgres;
	redis: TestRedis;
}): Promise<Measured> {
	const databaseUrl = await postgres.createDatabase();
	await redis.flush();
	const port = await freePort();
	const env = {
		...(await postgresServerEnv(databaseUrl)),
		REDIS_URL: redis.url,
		TRUST_PROXY: 'true',
		PUBLIC_URL: `http://127.0.0.1:${port}`
	};
	const apps: AppServer[] = [];
	try {
		for (let i = 0; i < instances; i++) apps.push(await startAppServer({ staticDir: 'build', env }));
		const addresses = apps.map((app) => `127.0.0.1:${new URL(app.url).port}`);
		const haproxy = await startBenchHaproxy({ port, app1: addresses[0]!, app2: addresses.at(-1)! });
		try {
			const communities = (await (await fetch(`${haproxy.url}/api/communities`)).json()) as { id: string }[];
			if (!communities[0]) throw new Error('The instances bench has no community.');
			const communityId = communities[0].id;
			await sendSignups({ url: haproxy.url, communityId, durationS: 2 });
			const redisPids = pidsOf('redis-server', new URL(redis.url).host);
			const backends = await backendPids(databaseUrl);
			const sample = () => ({
				instances: sum(apps.map((app) => app.cpuSeconds())),
				postgres: new Map(backends.map((pid) => [pid, cpuOrUndefined(pid)])),
				haproxy: processCpuSeconds(haproxy.pid),
				redis: sum(redisPids.map(processCpuSeconds)),
				loadGenerator: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
				machine: machineCpuSeconds()
			});
			const before = sample();
			const result = await sendSignups({ url: haproxy.url, communityId });
			const after = sample();
			return {
				instances,
				perSecond: Math.round(result.requests.average),
				total: result.requests.total,
				cpu: {
					instances: after.instances - before.instances,
					postgres: sum(
						backends
							.map((pid) => (after.postgres.get(pid) ?? NaN) - (before.postgres.get(pid) ?? NaN))
							.filter(Number.isFinite)
					),
					haproxy: after.haproxy - before.haproxy,
					redis: after.redis - before.redis,
					loadGenerator: after.loadGenerator - before.loadGenerator,
					machineBusy: after.machine.busy - before.machine.busy,
					machineTotal: after.machine.total - before.machine.total
				}
			};
		} finally {
			await haproxy.stop();
		}
	} finally {
		for (const app of apps) await app.stop();
	}
}

/** The PostgreSQL backends serving this database (the instances' pools, open after the warm-up). */
async function backendPids(url: string): Promise<number[]> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		const { rows } = await client.query<{ pid: number }>(
			'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()'
		);
		return rows.map((r) => r.pid);
	} finally {
		await client.end();
	}
}

/** A backend the pool closed meanwhile has no figure at the end: it is left out of the sum. */
function cpuOrUndefined(pid: number): number | undefined {
	try {
		return processCpuSeconds(pid);
	} catch {
		return undefined;
	}
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
