import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestRedis } from '../../sync-server/src/test/redis';
import type { Figure } from '../figure';
import { connectClient, type BenchClient } from './load';
import { paced, percentile, round } from './rooms';

/**
 * Issue #17's figures for shared documents across instances: two /yjs server processes over one
 * store (the SQLite file in one folder, or DATABASE_URL) and one redis-server, 1,000 rooms, and in
 * each room one partner on each instance, editing at the pace of bench/yjs/rooms.ts.
 * - `yjs_p99_ms_two_instances`: until the partner has the edit. It includes the commit, since an
 *   update is published only once it is durable. Beside it `yjs_ref_one_instance_p99_ms`: the same
 *   rooms and pace a moment before, with both partners on the first instance.
 * - `yjs_cross_instance_propagation_p99_ms`: from the publish on one instance until the other one
 *   receives it (the trip through Redis), timed inside the two processes.
 */
export async function yjsInstances({ rooms = 1000, log }: { rooms?: number; log: (line: string) => void }) {
	log(`  two instances over one store and Redis: ${rooms} rooms, partners on different instances…`);
	const redis = await startTestRedis();
	const dataDir = mkdtempSync(join(tmpdir(), 'cg-bench-yjs2-'));
	const children: ChildProcess[] = [];
	let pairs: [BenchClient, BenchClient][] = [];
	const closePairs = () => {
		for (const [x, y] of pairs) {
			x.close();
			y.close();
		}
		pairs = [];
	};
	try {
		const env = { ...process.env, BENCH_DATA_DIR: dataDir, BENCH_REDIS_URL: redis.url };
		const a = await startChild(env, rooms, children);
		const b = await startChild({ ...env, BENCH_SEED: '0' }, rooms, children);
		const connectPairs = async (instances: [typeof a, typeof a]) => {
			for (let i = 0; i < a.ready.clients.length; i += 50) {
				const batch = a.ready.clients.slice(i, i + 50).map(async ({ docName, cookies }) => {
					const [x, y] = await Promise.all(
						instances.map((instance, k) =>
							connectClient({
								url: `ws://127.0.0.1:${instance.ready.port}${instance.ready.path}${docName}`,
								docName,
								cookie: cookies[k]!,
								framing: 'y-websocket'
							})
						)
					);
					x!.partner = y;
					y!.partner = x;
					return [x!, y!] as [BenchClient, BenchClient];
				});
				pairs.push(...(await Promise.all(batch)));
			}
		};
		await connectPairs([a, a]);
		const alone = (await paced(pairs)).sort((x, y) => x - y);
		closePairs();
		// The rooms compact as their last client leaves; that burst is not part of what is measured.
		await new Promise((resolve) => setTimeout(resolve, 5_000));
		await connectPairs([a, b]);
		const latencies = (await paced(pairs)).sort((x, y) => x - y);
		const [timesA, timesB] = await Promise.all([a.relayTimes(), b.relayTimes()]);
		const hops: number[] = [];
		for (const [from, to] of [
			[timesA, timesB],
			[timesB, timesA]
		] as const) {
			const received = new Map(to.received);
			for (const [id, at] of from.published) {
				const arrived = received.get(id);
				if (arrived !== undefined) hops.push(arrived - at);
			}
		}
		hops.sort((x, y) => x - y);
		const p99 = round(percentile(latencies, 0.99), 2);
		const hop = round(percentile(hops, 0.99), 2);
		const p99Alone = round(percentile(alone, 0.99), 2);
		log(
			`  two instances: p99 ${p99} ms partner to partner (${p99Alone} ms on one), ${hop} ms through Redis (${hops.length} updates)`
		);
		const figures: Figure[] = [
			{ name: 'yjs_p99_ms_two_instances', value: p99, unit: 'ms', goal: '' },
			{ name: 'yjs_ref_one_instance_p99_ms', value: p99Alone, unit: 'ms', goal: 'reference' },
			{ name: 'yjs_cross_instance_propagation_p99_ms', value: hop, unit: 'ms', goal: '≤ 20' }
		];
		return figures;
	} finally {
		closePairs();
		for (const child of children) child.kill();
		await redis.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
}

type Ready = { port: number; path: string; clients: { docName: string; cookies: [string, string] }[] };
type RelayTimes = { published: [number, number][]; received: [number, number][] };

async function startChild(env: NodeJS.ProcessEnv, rooms: number, children: ChildProcess[]) {
	const child = fork(fileURLToPath(new URL('./server-child.ts', import.meta.url)), ['ours', String(rooms)], {
		execArgv: ['--import', 'tsx'],
		env,
		stdio: ['ignore', 'inherit', 'inherit', 'ipc']
	});
	children.push(child);
	const next = <T>(type: string) =>
		new Promise<T>((resolve, reject) => {
			const onMessage = (message: { type: string }) => {
				if (message.type !== type) return;
				child.off('message', onMessage);
				resolve(message as T);
			};
			child.on('message', onMessage);
			child.once('exit', (code) => reject(new Error(`a /yjs instance exited (${code})`)));
		});
	const ready = await next<Ready>('ready');
	return {
		ready,
		relayTimes: () => (child.send({ type: 'relay-times' }), next<RelayTimes>('relay-times'))
	};
}
