import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TMP } from './paths';
import { endAfterTest } from './processes';

/** A real sync-server in its own process, on a free port, with its own DATA_DIR. */
export type AppServer = {
	url: string;
	dataDir: string;
	staticDir: string;
	stop: (signal?: NodeJS.Signals) => Promise<void>;
	start: () => Promise<void>;
	/** The server process's id (to signal it, e.g. the bench's profiler). */
	pid: () => number;
	/** The server process's CPU time so far (user + system), in seconds; Linux only. */
	cpuSeconds: () => number;
	/** Runs a read-only SQL query against the server's database. */
	query: <T>(sql: string, ...params: unknown[]) => T[];
	/** What the server printed since it last started. */
	output: () => string;
};

/** Everything each server of the current test printed, across restarts; read by `takeCspViolations`. */
const printedThisTest: { url: string; printed: () => string; read: number }[] = [];

/**
 * What the servers of this test logged as blocked by the Content-Security-Policy (issue #13) since
 * the last call: the browser reports each violation to the server, and the auto fixture fails the
 * test if there is any. `endOfTest` forgets this test's servers.
 */
export function takeCspViolations({ endOfTest = false } = {}): string[] {
	const found = printedThisTest.flatMap((server) => {
		const text = server.printed();
		const fresh = text.slice(server.read);
		server.read = text.length;
		return fresh
			.split('\n')
			.filter((line) => line.includes(' csp_violation '))
			.map((line) => `${server.url}: ${line}`);
	});
	if (endOfTest) printedThisTest.length = 0;
	return found;
}

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.unref();
		probe.on('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			probe.close(() =>
				typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))
			);
		});
	});
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string) {
	for (let i = 0; i < 200; i++) {
		if (child.exitCode !== null) throw new Error(`The server exited early:\n${output()}`);
		try {
			const res = await fetch(`${url}/api/health`);
			if (res.ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`The server did not become healthy:\n${output()}`);
}

export async function startAppServer({
	staticDir,
	env = {},
	host,
	cwd
}: {
	staticDir: string;
	/** Extra environment for the server, e.g. short kiosk idle timeouts. */
	env?: Record<string, string>;
	/**
	 * The address to serve on, and the one in its URL (and PUBLIC_URL): the weak-link harness's
	 * (issue #18), which browsers in their own network namespaces reach. Unset: this machine only.
	 */
	host?: string;
	/** Another checkout to run the server from (the bench compares an earlier tree with this one). */
	cwd?: string;
}): Promise<AppServer> {
	const port = await freePort();
	const url = `http://${host ?? 'localhost'}:${port}`;
	const dataDir = mkdtempSync(join(TMP, 'data-'));
	let child: ChildProcess | undefined;
	let output = '';
	let printed = '';
	printedThisTest.push({ url, printed: () => printed, read: 0 });

	const server: AppServer = {
		url,
		dataDir,
		staticDir,
		async start() {
			output = '';
			child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/src/main.ts'], {
				cwd,
				env: {
					...process.env,
					PORT: String(port),
					HOST: host ?? '127.0.0.1',
					DATA_DIR: dataDir,
					STATIC_DIR: staticDir,
					PUBLIC_URL: url,
					NODE_ENV: 'test',
					...env
				},
				stdio: ['ignore', 'pipe', 'pipe']
			});
			const keep = (d: Buffer) => {
				output += d;
				printed += d;
			};
			child.stdout?.on('data', keep);
			child.stderr?.on('data', keep);
			await waitForHealth(url, child, () => output);
		},
		async stop(signal = 'SIGTERM') {
			const running = child;
			// A process ended by a signal has no exit code, only a signalCode.
			if (!running || running.exitCode !== null || running.signalCode !== null) return;
			const exited = new Promise((r) => running.once('exit', r));
			running.kill(signal);
			await exited;
		},
		pid() {
			if (!child?.pid) throw new Error('The server is not running.');
			return child.pid;
		},
		cpuSeconds() {
			if (!child?.pid) throw new Error('The server is not running.');
			// /proc/<pid>/stat fields 14 and 15 are utime and stime in clock ticks (USER_HZ, 100 on Linux).
			const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
			return (Number(fields[11]) + Number(fields[12])) / 100;
		},
		output: () => output,
		query<T>(sql: string, ...params: unknown[]) {
			const db = new Database(join(dataDir, 'common-ground.sqlite'), { readonly: true, fileMustExist: true });
			try {
				return db.prepare(sql).all(...params) as T[];
			} finally {
				db.close();
			}
		}
	};
	await server.start();
	endAfterTest(() => server.stop('SIGKILL'));
	return server;
}
