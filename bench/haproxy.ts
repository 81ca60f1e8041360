import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { TMP } from '../tests/e2e/paths';
import { askHaproxy as ask } from '../tests/e2e/haproxy-stats';

export type BenchHaproxy = { url: string; pid: number; stop(): Promise<void> };

/** The states (UP, DOWN…) of the servers of HAProxy's backend `app`. */
async function states(socket: string): Promise<string[]> {
	const csv = (await ask(socket, 'show stat')).split('\n');
	const status = csv[0]?.replace(/^# /, '').split(',').indexOf('status') ?? -1;
	return csv
		.map((line) => line.split(','))
		.filter((f) => f[0] === 'app' && f[1] !== 'BACKEND' && f[1] !== 'FRONTEND')
		.map((f) => f[status] ?? '');
}

/**
 * deploy/haproxy.cfg as it is, in front of two instance addresses (the same one twice stands for a
 * single instance behind the same proxy), on `port`. Resolves once its health checks see every
 * server UP.
 */
export async function startBenchHaproxy({
	port,
	app1,
	app2
}: {
	port: number;
	app1: string;
	app2: string;
}): Promise<BenchHaproxy> {
	const socket = join(TMP, `haproxy-bench-${port}.sock`);
	let output = '';
	const child: ChildProcess = spawn('haproxy', ['-db', '-f', 'deploy/haproxy.cfg'], {
		env: {
			PATH: process.env.PATH,
			LISTEN: `127.0.0.1:${port}`,
			APP1: app1,
			APP2: app2,
			CG_STATS_SOCKET: socket
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout?.on('data', (d: Buffer) => (output += d));
	child.stderr?.on('data', (d: Buffer) => (output += d));
	const exited = new Promise((resolve) => child.once('exit', resolve));
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGTERM');
			await exited;
		}
		// HAProxy leaves its stats socket behind.
		rmSync(socket, { force: true });
	};
	for (let i = 0; ; i++) {
		if (child.exitCode !== null) throw new Error(`HAProxy exited at start:\n${output}`);
		const up = await states(socket).catch(() => []);
		if (up.length === 2 && up.every((s) => s === 'UP')) break;
		if (i === 150) {
			await stop();
			throw new Error(`HAProxy's health checks never saw both servers UP (${up.join(', ')}):\n${output}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	if (!child.pid) throw new Error('HAProxy has no process id.');
	return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop };
}
