import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { MutationResponse } from '../../src/lib/contracts/mutations.ts';
import { loadEnv } from './env.ts';
import { silentLogger } from './log.ts';
import { startServer } from './server.ts';
import { signupMutation } from './test/factories.ts';
import { tempDir } from './test/harness.ts';
import { openTestStore, removeTestStore, testStoreEnv } from './test/store.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const dirs: string[] = [];
afterEach(async () => {
	for (const dir of dirs.splice(0)) {
		rmSync(dir, { recursive: true, force: true });
		await removeTestStore(dir);
	}
});

function newDataDir() {
	const dir = tempDir('cg-server-');
	dirs.push(dir);
	return dir;
}

async function firstCommunityId(url: string) {
	const [community] = (await (await fetch(`${url}/api/communities`)).json()) as { id: string }[];
	if (!community) throw new Error('no community');
	return community.id;
}

/** Starts `main.ts` as its own process on port 0 and resolves with the URL it logs. */
async function spawnMain(dataDir: string, env: Record<string, string> = {}) {
	const store = await testStoreEnv(dataDir);
	const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
		env: {
			...process.env,
			PORT: '0',
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			NODE_ENV: 'test',
			...store,
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	const url = new Promise<string>((resolve, reject) => {
		const onData = (chunk: Buffer) => {
			output += chunk.toString();
			const match = /listening on (http:\/\/\S+)/.exec(output);
			if (match?.[1]) resolve(match[1]);
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		child.once('exit', (code) => reject(new Error(`main.ts exited (${code}) before listening:\n${output}`)));
	});
	return { child, url, output: () => output };
}

describe('startServer', () => {
	it('serves on port 0 with PUBLIC_URL following the real port, and closes cleanly', async () => {
		const dataDir = newDataDir();
		const env = loadEnv({
			PORT: '0',
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			...(await testStoreEnv(dataDir))
		});
		const server = await startServer({ env, log: silentLogger });
		expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(server.env.publicUrl).toBe(`http://localhost:${new URL(server.url).port}`);

		const res = await fetch(`${server.url}/api/mutations`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(signupMutation({ communityId: await firstCommunityId(server.url) }))
		});
		expect(res.status).toBe(201);
		const mail = (await (await fetch(`${server.url}/api/dev/mailbox`)).json()) as { text: string }[];
		expect(mail[0]?.text).toContain(`${server.env.publicUrl}/signin?token=`);

		await server.close();
		await expect(fetch(`${server.url}/api/health`)).rejects.toThrow();
	});
});

describe('starting in development on a reachable interface (issue #13)', () => {
	it('warns, and says what to do; on loopback it does not', async () => {
		for (const [host, warned] of [
			['0.0.0.0', true],
			['127.0.0.1', false]
		] as const) {
			const { child, url, output } = await spawnMain(newDataDir(), { HOST: host, NODE_ENV: 'development' });
			try {
				await url;
				expect(output().includes('other machines can reach this server'), host).toBe(warned);
				if (warned) expect(output()).toContain('NODE_ENV=production');
			} finally {
				child.kill('SIGKILL');
			}
		}
	});
});

describe('crash safety', () => {
	it('keeps every acknowledged sign-up when the process is killed without warning', async () => {
		const dataDir = newDataDir();
		const { child, url: urlPromise } = await spawnMain(dataDir);
		try {
			const url = await urlPromise;
			const communityId = await firstCommunityId(url);
			const acknowledged: string[] = [];
			for (let i = 0; i < 5; i++) {
				const res = await fetch(`${url}/api/mutations`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(signupMutation({ communityId }))
				});
				expect(res.status).toBe(201);
				acknowledged.push(v.parse(MutationResponse, await res.json()).result.participantId);
			}
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGKILL');
			await exited;

			const store = await openTestStore({ dataDir });
			try {
				for (const id of acknowledged) expect(await store.participants.findByUserId(id)).toBeDefined();
				expect(await store.participants.count()).toBe(acknowledged.length);
			} finally {
				await store.close();
			}
		} finally {
			if (child.exitCode === null) child.kill('SIGKILL');
		}
	}, 120_000);
});
