// Sign-ups per second through HTTP against a real server process (synchronous=FULL), e.g.
//   npx tsx sync-server/src/bench/signups.ts [--seconds 10] [--connections 16]
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { validQuestionnaire } from '../test/factories.ts';
import { tempDir } from '../test/harness.ts';

const { values } = parseArgs({
	options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '16' } }
});
const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const dataDir = tempDir('cg-bench-');

const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
	env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, NODE_ENV: 'production' },
	stdio: ['ignore', 'pipe', 'inherit']
});
try {
	const url = await new Promise<string>((resolve, reject) => {
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			const match = /listening on (http:\/\/\S+)/.exec(output);
			if (match?.[1]) resolve(match[1]);
		});
		child.once('exit', () => reject(new Error(`server exited:\n${output}`)));
	});
	const [community] = (await (await fetch(`${url}/api/communities`)).json()) as { id: string }[];
	if (!community) throw new Error('no community');

	let n = 0;
	const result = await autocannon({
		url: `${url}/api/mutations`,
		connections: Number(values.connections),
		duration: Number(values.seconds),
		requests: [
			{
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				setupRequest: (request) => {
					n += 1;
					const payload = validQuestionnaire({ communityId: community.id, email: `bench.${n}@example.org` });
					return { ...request, body: JSON.stringify({ id: crypto.randomUUID(), type: 'signup', payload }) };
				}
			}
		]
	});
	const ok = result['2xx'];
	process.stdout.write(
		`${Math.round(ok / Number(values.seconds))} sign-ups/s acknowledged (${ok} in ${values.seconds}s, ` +
			`${result.non2xx} non-2xx, ${result.errors} errors), latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms\n`
	);
} finally {
	child.kill('SIGTERM');
	await new Promise((resolve) => child.once('exit', resolve));
	rmSync(dataDir, { recursive: true, force: true });
}
