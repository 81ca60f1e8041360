import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tempDir } from './harness.ts';
import { freePort } from './free-port.ts';

export interface TestRedis {
	/** redis://127.0.0.1:<port>, for REDIS_URL. */
	url: string;
	/** Empties every key (FLUSHALL), so one test's state never leaks into the next. */
	flush(): Promise<void>;
	/** Stops the server and removes its folder; no process is left behind. Idempotent. */
	stop(): Promise<void>;
}

/**
 * A real redis-server (Debian's; scripts/system-deps.sh installs it) for one test file (issue #17):
 * on a free loopback port, without persistence (as a plain Redis may be run), in a temporary folder.
 * Resolves once it answers PING.
 */
export async function startTestRedis(): Promise<TestRedis> {
	// A free port can be taken between asking and binding; then redis-server exits and we try another.
	for (let attempt = 1; ; attempt++) {
		const port = await freePort();
		const dir = tempDir('cg-redis-');
		const child = spawn(
			'bash',
			[
				'-c',
				WATCHED,
				'redis-server',
				...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
				...['--save', '', '--appendonly', 'no', '--loglevel', 'warning']
			],
			{ stdio: ['pipe', 'pipe', 'pipe'] }
		);
		const stopped = new Promise<void>((resolve) => child.once('exit', () => resolve()));
		const stop = async () => {
			// Its end of the pipe closing is what stops the server (see WATCHED).
			child.stdin?.end();
			await stopped;
			rmSync(dir, { recursive: true, force: true });
		};
		try {
			await untilPong(port, child);
		} catch (error) {
			await stop();
			if (attempt < 3) continue;
			throw error;
		}
		let stopping: Promise<void> | undefined;
		return {
			url: `redis://127.0.0.1:${port}`,
			flush: () => send(port, 'FLUSHALL\r\n', '+OK'),
			stop: () => (stopping ??= stop())
		};
	}
}

/**
 * Runs redis-server and stops it when our end of its stdin closes: on stop(), and also when the test
 * process dies however it dies (a killed worker runs no exit handler), so no server is left behind.
 * Exits when the server does, with its status. (A background job's stdin is /dev/null, hence fd 3.)
 */
const WATCHED = `
exec 3<&0
redis-server "$@" &
server=$!
(read -r _ <&3; kill "$server" 2>/dev/null) &
wait "$server"
`;

async function untilPong(port: number, child: ChildProcess): Promise<void> {
	// redis-server writes its log, a refused port included, to stdout.
	let output = '';
	const keep = (chunk: Buffer) => (output += chunk.toString());
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	const started = Date.now();
	while (Date.now() - started < 10_000) {
		if (child.exitCode !== null) {
			throw new Error(`redis-server exited with ${child.exitCode}: ${output.trim() || 'no message'}`);
		}
		try {
			await send(port, 'PING\r\n', '+PONG');
			// Its later log lines are read and dropped, so a full pipe never blocks it.
			child.stdout?.off('data', keep).resume();
			child.stderr?.off('data', keep).resume();
			return;
		} catch {
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}
	throw new Error('redis-server did not answer PING within 10 s.');
}

/** One inline command over a fresh connection; resolves when the reply starts with `expected`. */
function send(port: number, command: string, expected: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const socket = new Socket();
		let reply = '';
		socket.setTimeout(2_000, () =>
			socket.destroy(new Error(`redis-server did not answer ${command.trim()}`))
		);
		socket.once('error', reject);
		socket.on('data', (chunk) => {
			reply += chunk.toString();
			if (!reply.includes('\r\n')) return;
			socket.end();
			if (reply.startsWith(expected)) resolve();
			else reject(new Error(`redis-server answered ${reply.trim()} to ${command.trim()}`));
		});
		socket.connect(port, '127.0.0.1', () => socket.write(command));
	});
}
