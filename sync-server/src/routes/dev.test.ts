import { networkInterfaces } from 'node:os';
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEnv } from '../env.ts';
import { silentLogger } from '../log.ts';
import { startServer, type RunningServer } from '../server.ts';
import { createTestApp, tempDir } from '../test/harness.ts';
import { removeTestStore, testStoreEnv } from '../test/store.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
const opened: TestApp[] = [];
const servers: RunningServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
	for (const t of opened.splice(0)) await t.close();
	for (const s of servers.splice(0)) await s.close();
	for (const dir of dirs.splice(0)) {
		rmSync(dir, { recursive: true, force: true });
		await removeTestStore(dir);
	}
});

/** A request as @hono/node-server hands it over, with the socket's peer address. */
const from = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });

describe('the development mailbox (issue #13: it lists every sign-in link)', () => {
	it('answers this machine, in every form of loopback address', async () => {
		const t = await createTestApp({ env: { NODE_ENV: 'development' } });
		opened.push(t);
		for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
			expect((await t.app.request('/api/dev/mailbox', {}, from(address))).status, address).toBe(200);
			expect((await t.app.request('/dev/mailbox', {}, from(address))).status, address).toBe(200);
		}
	});

	it('is not there for any other machine, nor for a request a proxy forwarded', async () => {
		const t = await createTestApp({ env: { NODE_ENV: 'development', TRUST_PROXY: 'true' } });
		opened.push(t);
		for (const path of [
			'/api/dev/mailbox',
			'/dev/mailbox',
			'/api/dev/mailbox?to=coordinator%40example.org'
		]) {
			const res = await t.app.request(path, {}, from('203.0.113.7'));
			expect(res.status, path).toBe(404);
			expect(((await res.json()) as { code: string }).code).toBe('not_found');
		}
		const forwarded = await t.app.request(
			'/api/dev/mailbox',
			{ headers: { 'x-forwarded-for': '203.0.113.7' } },
			from('127.0.0.1')
		);
		expect(forwarded.status).toBe(404);
	});

	it('exists only in development and tests', async () => {
		for (const NODE_ENV of ['production', 'staging']) {
			const t = await createTestApp({ env: { NODE_ENV } });
			opened.push(t);
			expect((await t.app.request('/api/dev/mailbox', {}, from('127.0.0.1'))).status, NODE_ENV).toBe(404);
		}
	});

	it('on a real server listening on every interface, only loopback reads it', async () => {
		const external = Object.values(networkInterfaces())
			.flat()
			.find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
		expect(external, 'this test needs a non-loopback IPv4 address on the machine').toBeDefined();
		const dataDir = tempDir('cg-dev-mailbox-');
		dirs.push(dataDir);
		const server = await startServer({
			env: loadEnv({
				PORT: '0',
				HOST: '0.0.0.0',
				DATA_DIR: dataDir,
				NODE_ENV: 'development',
				...(await testStoreEnv(dataDir))
			}),
			log: silentLogger
		});
		servers.push(server);
		const port = new URL(server.url).port;
		expect((await fetch(`http://127.0.0.1:${port}/api/dev/mailbox`)).status).toBe(200);
		expect((await fetch(`http://${external}:${port}/api/dev/mailbox`)).status).toBe(404);
		expect((await fetch(`http://${external}:${port}/dev/mailbox`)).status).toBe(404);
		expect((await fetch(`http://${external}:${port}/api/health`)).status).toBe(200);
	});
});
